package io.frwr.bench;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.ConnectionSpec;
import io.frwr.actors.RdmaTransport;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.Segment;
import io.frwr.verbs.sim.SimCosts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The FRWR cycle through the actor pipeline (RdmaTransport: QueuePair actor, MrPool actor), 4 KiB chunks,
 * FREE simulated fabric with zero costs, {@code inflight} cycles outstanding. One op = one cycle; ns per
 * cycle = 1000 / score, comparable with {@link DirectCycleBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ActorCycleBenchmark {
    static final int CALLS = 2048;
    static final int MAX_INFLIGHT = 64;

    @Param({"1", "2", "16", "64"})
    public int inflight;

    private ActorHarness harness;
    private SimPair pair;
    private ActorRef<TransportCycleDriver.Command> driver;

    @Setup
    public void setUp() throws Exception {
        harness = new ActorHarness("cycle-bench");
        pair = new SimPair(SimCosts.NONE);
        final TransportSettings settings = TransportSettings.fromConfig(ConfigFactory.empty());
        final ActorRef<RdmaTransport.Command> transport = harness.spawn(RdmaTransport.create(settings,
                pair.client(), ConnectionSpec.to(SimPair.SERVER)), "transport");
        final List<Segment> chunks = new ArrayList<>(MAX_INFLIGHT);
        for (int i = 0; i < MAX_INFLIGHT; i++) {
            chunks.add(pair.client().mapBuffer(ByteBuffer.allocateDirect(DirectCycleBenchmark.CHUNK))
                    .segment(0, DirectCycleBenchmark.CHUNK));
        }
        final CompletableFuture<Long> connected = new CompletableFuture<>();
        driver = harness.spawn(TransportCycleDriver.create(transport,
                new PeerWriter(pair, DirectCycleBenchmark.CHUNK), chunks, connected), "driver");
        connected.get(ActorHarness.ASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @TearDown
    public void tearDown() {
        harness.close();
        pair.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int actorPipeline() throws Exception {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        driver.tell(new TransportCycleDriver.Run(CALLS, inflight, done));
        return done.get(ActorHarness.ASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
