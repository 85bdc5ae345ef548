package io.frwr.bench;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.ConnectionSpec;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.sim.SimCosts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long the pool takes to be whole again after a QP error: a FREE fabric with MR alloc/dereg costs, a
 * transport with {@code rebuild-on-reconnect} and N MRs, a broken QP, and the time until GetCounters shows
 * nothing recovering, every MR free and N more recovered. Repeated per recovery parallelism.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.frwr.bench.RecoveryTime [--mrs 1024] [--parallelism 1,2,4,8]
 *     [--repeats 5] [--alloc-us 50] [--dereg-us 50]</pre>
 */
public final class RecoveryTime {
    /** Hang guard for one recovery or one reconnect; never what is measured. */
    private static final long GUARD_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long POLL_GAP_NANOS = 100_000;

    private RecoveryTime() {
    }

    /** The command line; every value checked with its allowed range. */
    record Options(int mrs, List<Integer> parallelism, int repeats, long allocNanos, long deregNanos) {
        static Options parse(String[] args) {
            int mrs = 1024;
            List<Integer> par = List.of(1, 2, 4, 8);
            int repeats = 5;
            long alloc = 50_000;
            long dereg = 50_000;
            for (int i = 0; i < args.length; i++) {
                final String key = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(key + " needs a value");
                }
                final String value = args[++i];
                switch (key) {
                    case "--mrs" -> mrs = intIn(key, value, 1, 65536);
                    case "--parallelism" -> {
                        final List<Integer> p = new ArrayList<>();
                        for (String s : value.split(",")) {
                            p.add(intIn(key, s.trim(), 1, 1024));
                        }
                        par = List.copyOf(p);
                    }
                    case "--repeats" -> repeats = intIn(key, value, 1, 100);
                    case "--alloc-us" -> alloc = intIn(key, value, 0, 1_000_000) * 1000L;
                    case "--dereg-us" -> dereg = intIn(key, value, 0, 1_000_000) * 1000L;
                    default -> throw new IllegalArgumentException("unknown option " + key
                            + "; known: --mrs, --parallelism, --repeats, --alloc-us, --dereg-us");
                }
            }
            return new Options(mrs, par, repeats, alloc, dereg);
        }

        private static int intIn(String key, String value, int min, int max) {
            final int v;
            try {
                v = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " = \"" + value + "\": not an integer", e);
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + " = " + v + ": must be between " + min + " and " + max);
            }
            return v;
        }
    }

    public static void main(String[] args) throws Exception {
        final Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RecoveryTime: " + e.getMessage());
            System.exit(2);
            return;
        }
        // The load generator's default fabric, with the MR costs from the command line.
        final SimCosts costs = new SimCosts(o.allocNanos(), o.deregNanos(), 1_000, 0.1, 2_000);
        System.out.printf("recovery time: %d MRs, rebuild-on-reconnect, MR alloc %d us, dereg %d us, %d repeats after 1 warm-up%n",
                o.mrs(), o.allocNanos() / 1000, o.deregNanos() / 1000, o.repeats());
        System.out.println("| recovery parallelism | min ms | median ms | max ms | ideal ms | most MR ops at once |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int p : o.parallelism()) {
            final Result r = measure(o, costs, p);
            final double ideal = o.mrs() * (o.allocNanos() + o.deregNanos()) / 1e6 / p;
            System.out.printf("| %d | %.1f | %.1f | %.1f | %.1f | %d |%n", p, r.millis().min(), r.millis().median(),
                    r.millis().max(), ideal, r.maxConcurrentMrOps());
        }
    }

    record Result(Spread millis, int maxConcurrentMrOps) { }

    static Result measure(Options o, SimCosts costs, int parallelism) throws Exception {
        final String config = "frwr-transport {\n mr-pool.size = " + o.mrs() + "\n recovery.strategy = rebuild-on-reconnect\n"
                + " recovery.parallelism = " + parallelism + "\n connection.reconnect.min-backoff = 10ms\n"
                + " connection.reconnect.max-backoff = 100ms\n connection.reconnect.max-restarts = -1\n}\n";
        final TransportSettings settings = TransportSettings.fromConfig(ConfigFactory.parseString(config));
        try (SimPair pair = new SimPair(costs); ActorHarness harness = new ActorHarness("recovery-time")) {
            final ActorRef<RdmaTransport.Command> transport = harness.spawn(RdmaTransport.create(settings,
                    pair.client(), ConnectionSpec.to(SimPair.SERVER)), "transport");
            final BlockingQueue<RdmaTransport.Inbound> inbound = new LinkedBlockingQueue<>();
            transport.tell(new RdmaTransport.Subscribe(harness.spawn(InboundQueue.create(inbound), "inbound")));
            long epoch = awaitUp(inbound, 0);
            // One unreported round first: the first recovery also pays for class loading and JIT warm-up.
            final double[] millis = new double[o.repeats() + 1];
            for (int i = 0; i < millis.length; i++) {
                final long recoveredBefore = counters(harness, transport).get(TransportCounter.MRS_RECOVERED);
                final long t0 = System.nanoTime();
                if (pair.fabric().faults().breakQp(pair.client().endpointId()) != 1) {
                    throw new IllegalStateException("expected exactly one client QP to break");
                }
                awaitWhole(harness, transport, o.mrs(), recoveredBefore, t0);
                millis[i] = (System.nanoTime() - t0) / 1e6;
                epoch = awaitUp(inbound, epoch);
            }
            return new Result(Spread.of(Arrays.copyOfRange(millis, 1, millis.length)), pair.fabric().stats().maxConcurrentMrOps());
        }
    }

    /** Polls GetCounters until recovering == 0, free == mrs and every MR was recovered once more. */
    private static void awaitWhole(ActorHarness harness, ActorRef<RdmaTransport.Command> transport, int mrs,
                                   long recoveredBefore, long t0) {
        while (true) {
            final TransportCounters.Snapshot s = counters(harness, transport);
            final PoolOccupancy occ = s.occupancy();
            if (occ.recovering() == 0 && occ.free() == mrs
                    && s.get(TransportCounter.MRS_RECOVERED) - recoveredBefore >= mrs) {
                return;
            }
            if (System.nanoTime() - t0 > GUARD_NANOS) {
                throw new IllegalStateException("the pool was not whole 120 s after the QP error: " + s);
            }
            LockSupport.parkNanos(POLL_GAP_NANOS);
        }
    }

    private static TransportCounters.Snapshot counters(ActorHarness harness,
                                                       ActorRef<RdmaTransport.Command> transport) {
        return harness.ask(transport, RdmaTransport.GetCounters::new);
    }

    /** Waits for a ConnectionUp newer than {@code after}; returns its epoch. */
    private static long awaitUp(BlockingQueue<RdmaTransport.Inbound> inbound, long after) throws InterruptedException {
        final long deadline = System.nanoTime() + GUARD_NANOS;
        while (true) {
            final RdmaTransport.Inbound m = inbound.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new IllegalStateException("no reconnect within 120 s (last epoch " + after + ")");
            }
            if (m instanceof RdmaTransport.ConnectionUp up && up.epoch() > after) {
                return up.epoch();
            }
        }
    }
}
