package io.frwr.bench;

import io.frwr.verbs.Segment;
import io.frwr.verbs.sim.SimCosts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The FRWR cycle without actors (the floor): {@link DirectFrwrEngine} on one thread, a 4 KiB chunk, FREE
 * simulated fabric with zero costs. One op = one cycle; ns per cycle = 1000 / score.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DirectCycleBenchmark {
    static final int CHUNK = 4096;

    private SimPair pair;
    private DirectFrwrEngine engine;
    private Segment chunk;

    @Setup
    public void setUp() throws Exception {
        pair = new SimPair(SimCosts.NONE);
        engine = DirectFrwrEngine.connect(pair, 256, CHUNK);
        chunk = pair.client().mapBuffer(ByteBuffer.allocateDirect(CHUNK)).segment(0, CHUNK);
    }

    @TearDown
    public void tearDown() {
        engine.close();
        pair.close();
    }

    @Benchmark
    public int directEngine() {
        return engine.cycle(chunk);
    }
}
