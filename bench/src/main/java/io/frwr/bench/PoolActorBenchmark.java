package io.frwr.bench;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.MrPool;
import io.frwr.actors.TransportCounters;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimFabric;
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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Per-chunk MR acquisition from the MrPool actor: Acquire(1), Acquired, Release, with {@code inflight}
 * callers outstanding (an async driver actor, one JMH thread). One op = one call; the score is calls per
 * microsecond, so ns per call = 1000 / score, comparable with {@link AcquisitionBenchmark} at -t inflight.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class PoolActorBenchmark {
    static final int CALLS = 4096;

    @Param({"1", "2", "16", "64"})
    public int inflight;

    private ActorHarness harness;
    private SimFabric fabric;
    private ExecutorService recoveryExecutor;
    private ActorRef<PoolCaller.Command> caller;

    @Setup
    public void setUp() throws VerbsException {
        harness = new ActorHarness("pool-bench");
        fabric = SimFabric.builder().build();
        final TransportSettings settings = TransportSettings.fromConfig(ConfigFactory.parseString(
                "frwr-transport.mr-pool.size = 256"));
        recoveryExecutor = Executors.newSingleThreadExecutor();
        final ActorRef<MrPool.Command> pool = harness.spawn(MrPool.standalone(settings, fabric.endpoint("client"),
                settings.mrPool().frmrDepthFor(SimFabric.DEFAULT_ATTRIBUTES.maxFastRegPageListLen()),
                new TransportCounters(), recoveryExecutor), "mr-pool");
        caller = harness.spawn(PoolCaller.create(pool), "caller");
    }

    @TearDown
    public void tearDown() {
        harness.close();
        recoveryExecutor.shutdownNow();
        fabric.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int acquireReleaseFromActor() throws Exception {
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        caller.tell(new PoolCaller.Run(CALLS, inflight, done));
        return done.get(ActorHarness.ASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
