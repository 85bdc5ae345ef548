package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.NfsClient;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.verbs.Segment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seed of the soak: a random configuration, a random fault script and a random workload, issued by the
 * test thread only (so the run replays), ending with every invariant checked.
 */
final class SoakWorkload {
    /** What a run left behind: the fabric trace and the invariant violations (plus data mismatches). */
    record Outcome(long seed, String description, List<String> trace, List<String> violations) { }

    private SoakWorkload() {
    }

    static Outcome run(ActorTestKit shared, long seed) {
        final SplittableRandom r = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + 1);
        final boolean rpc = r.nextInt(3) == 0;
        final String strategy = r.nextBoolean() ? "per-mr" : "rebuild-on-reconnect";
        final int poolSize = 4 + r.nextInt(13);
        final int sqDepth = 16 << r.nextInt(3);
        final FaultScript script = FaultScript.random(seed);
        // Recovery parallelism 1: parallel workers would allocate MRs (and so rkey indexes) in a racing order.
        final String config = "frwr-transport { mr-pool.size = " + poolSize + ", recovery.strategy = " + strategy
                + ", recovery.parallelism = 1, send-queue.depth = " + sqDepth + ", send-queue.signal-interval = 4 }";
        final String description = (rpc ? "RPC" : "transport") + " workload, " + config + ", " + script;
        final FrwrTestKit.Builder b = FrwrTestKit.builder().seed(seed).actorTestKit(shared).transportConfig(config);
        if (rpc) {
            b.withNfsResponder().withRpcClient(ClientSettings.defaults().withMaxCredits(8).withMaxRetransmits(8)
                    .withCallTimeout(Duration.ofSeconds(30)));
        }
        try (FrwrTestKit kit = b.build()) {
            final List<String> problems = new ArrayList<>();
            kit.awaitConnected();
            kit.inject(script);
            if (rpc) {
                rpcWorkload(kit, r, problems);
            } else {
                transportWorkload(kit, r);
            }
            // Let reconnects, drains and recovery retries finish before the books are checked.
            for (int i = 0; i < 20; i++) {
                kit.advance(Duration.ofMillis(100));
            }
            kit.invariants().all().forEach(v -> problems.add(v.toString()));
            return new Outcome(seed, description, kit.trace(), problems);
        }
    }

    private static void transportWorkload(FrwrTestKit kit, SplittableRandom r) {
        final int ops = 10 + r.nextInt(20);
        final List<Registration> held = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            if (!held.isEmpty() && r.nextInt(3) == 0) {
                kit.invalidate(held.remove(r.nextInt(held.size())));
            } else {
                final List<ChunkRequest> chunks = new ArrayList<>();
                final int n = 1 + r.nextInt(3);
                for (int c = 0; c < n; c++) {
                    final Segment s = kit.memory(1 + r.nextInt(3 * 4096));
                    chunks.add(ChunkRequest.of(r.nextBoolean() ? Direction.PEER_READS : Direction.PEER_WRITES, s));
                }
                final RdmaTransport.RegisterReply reply = kit.await(kit.registerAsync(chunks),
                        RdmaTransport.RegisterReply.class);
                if (reply instanceof RdmaTransport.Registered ok) {
                    held.add(ok.registration());
                }
            }
            if (r.nextInt(5) == 0) {
                kit.advance(Duration.ofMillis(10 + r.nextInt(200)));
            }
        }
        for (Registration reg : held) {
            kit.invalidate(reg);
        }
    }

    private static void rpcWorkload(FrwrTestKit kit, SplittableRandom r, List<String> problems) {
        final byte[] content = new byte[64 * 1024];
        new java.util.Random(r.nextLong()).nextBytes(content);
        final FileHandle file = kit.export().addFile("soak-file".getBytes(), content);
        final FileHandle scratch = kit.export().addFile("soak-scratch".getBytes(), new byte[0]);
        final int batches = 3 + r.nextInt(6);
        for (int b = 0; b < batches; b++) {
            final int n = 1 + r.nextInt(3);
            final List<TestProbe<CallResult>> probes = new ArrayList<>();
            final List<Segment> sinks = new ArrayList<>();
            final List<Integer> offsets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final int kind = r.nextInt(3);
                final RpcCallSpec spec;
                Segment sink = null;
                final int offset = r.nextInt(content.length / 2);
                if (kind == 0) {
                    sink = kit.memory(1 + r.nextInt(16 * 1024));
                    spec = NfsClient.read(file, offset, sink);
                } else if (kind == 1) {
                    final Segment data = kit.memory(1 + r.nextInt(12 * 1024));
                    spec = NfsClient.write(scratch, 0, StableHow.FILE_SYNC, data);
                } else {
                    spec = NfsClient.getattr(file);
                }
                probes.add(kit.call(spec));
                sinks.add(sink);
                offsets.add(offset);
            }
            for (int i = 0; i < n; i++) {
                final CallResult result = kit.await(probes.get(i), CallResult.class);
                final Segment sink = sinks.get(i);
                if (result instanceof CallResult.CallSucceeded ok && sink != null) {
                    final int got = (int) ok.ddpBytesWritten();
                    final byte[] landed = new byte[got];
                    sink.buffer().buffer().get(sink.offset(), landed);
                    final int from = offsets.get(i);
                    final byte[] expected = Arrays.copyOfRange(content, from, Math.min(content.length, from + got));
                    if (!Arrays.equals(expected, landed)) {
                        problems.add("data: READ at " + from + " of " + got + " bytes does not match the file");
                    }
                }
            }
        }
    }
}
