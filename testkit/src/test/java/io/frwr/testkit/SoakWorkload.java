package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.MessageBuilder;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.actors.TransportError;
import io.frwr.actors.TransportEvent;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.NfsClient;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Segment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seed of the soak: a random configuration, a random fault script and a random workload, issued by the
 * test thread only (so the run replays), ending with every invariant checked.
 *
 * <p>The transport workload walks the whole public API: Register (sometimes of memory of another device, or of
 * more MRs than the pool has), {@code Register.andSend} (with a builder that works, throws, or yields a SEND the
 * provider refuses), Invalidate (sometimes twice), {@code afterRemoteInvalidation} with the rkey a received
 * SEND_WITH_INV named or with one no completion named, a registration of the other transport, Send, bursts of
 * requests without settling, and Shutdown mid-run followed by requests. The configuration draws both
 * {@code when-exhausted} modes, both recovery strategies, recovery parallelism 1 to 8, one or two transports on
 * the fabric; the faults draw every kind the kit can inject: a QP break now or after any number of WRs,
 * post/alloc/dereg failures (some permanent until a later step stops them), held or slow deregistrations, lost
 * drain markers and connect rejects. Beyond the kit's invariants, the workload checks the answers the API
 * promises for each of those requests.
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
        final int parallelism = 1 + r.nextInt(8);
        final boolean wait = r.nextInt(3) == 0;
        final int maxRetries = r.nextInt(4);
        final boolean twoTransports = !rpc && r.nextInt(3) == 0;
        final FaultScript script = faults(r, seed);
        // The kit runs recovery's blocking verbs on one thread in submission order, so any parallelism replays.
        final String config = "frwr-transport { mr-pool { size = " + poolSize + ", when-exhausted = "
                + (wait ? "wait" : "fail") + ", acquire-timeout = " + (20 + r.nextInt(200)) + "ms }"
                + ", recovery { strategy = " + strategy + ", parallelism = " + parallelism + ", max-retries = "
                + maxRetries + " }, send-queue.depth = " + sqDepth + ", send-queue.signal-interval = 4 }";
        final String description = (rpc ? "RPC" : twoTransports ? "two-transport" : "transport") + " workload, "
                + config + ", " + script;
        if (Boolean.getBoolean("soak.verbose")) {
            System.out.println("seed " + seed + ": " + description);
        }
        final FrwrTestKit.Builder b = FrwrTestKit.builder().seed(seed).actorTestKit(shared).transportConfig(config);
        if (rpc) {
            b.withNfsResponder().withRpcClient(ClientSettings.defaults().withMaxCredits(8).withMaxRetransmits(8)
                    .withCallTimeout(Duration.ofSeconds(30)));
        }
        if (twoTransports) {
            b.secondTransport("k2", config);
        }
        try (FrwrTestKit kit = b.build()) {
            final List<String> problems = new ArrayList<>();
            kit.awaitConnected();
            kit.inject(script);
            try {
                if (rpc) {
                    rpcWorkload(kit, r, problems);
                } else {
                    transportWorkload(kit, r, problems, twoTransports ? kit.transports().get(1) : null);
                }
            } catch (AssertionError | RuntimeException e) {
                final List<TransportEvent> events = kit.eventHistory();
                throw new AssertionError(e.getMessage() + "; unanswered: " + kit.transportUnderTest().unansweredRequests()
                        + "; last events: " + events.subList(Math.max(0, events.size() - 12), events.size()), e);
            }
            if (!kit.transportUnderTest().isTerminated()) {
                kit.inject(FaultScript.stopFailing()); // let the run end healthy: the books are checked below
                kit.deviceControl().stopFailing();
                kit.deviceControl().unblock();
            }
            // Let reconnects, drains and recovery retries finish before the books are checked.
            for (int i = 0; i < 20; i++) {
                kit.advance(Duration.ofMillis(100));
            }
            kit.invariants().all().forEach(v -> problems.add(v.toString()));
            return new Outcome(seed, description, kit.trace(), problems);
        }
    }

    /** The seed's fault script: the classic random one, then some of the kinds that need a later step to end. */
    private static FaultScript faults(SplittableRandom r, long seed) {
        FaultScript s = FaultScript.random(seed);
        switch (r.nextInt(7)) {
            case 0 -> s = s.then(FaultScript.failDeregsForever());
            case 1 -> s = s.then(FaultScript.failAllocsForever());
            case 2 -> s = s.then(FaultScript.failPostsForever(r.nextBoolean() ? Errno.ENOMEM : Errno.EAGAIN));
            case 3 -> s = s.then(FaultScript.loseNextDrainMarkers(1 + r.nextInt(2))).then(FaultScript.breakQpNow());
            case 4 -> s = s.then(FaultScript.rejectNextConnects(2 + r.nextInt(4))).then(FaultScript.breakQpNow());
            default -> { }
        }
        return s;
    }

    private static void transportWorkload(FrwrTestKit kit, SplittableRandom r, List<String> problems, KitTransport k2) {
        final int ops = 10 + r.nextInt(25);
        final List<Registration> held = new ArrayList<>();
        final List<Registration> heldByK2 = new ArrayList<>();
        final int shutdownAt = r.nextInt(8) == 0 ? r.nextInt(ops) : -1;
        final boolean stopFailingMidway = r.nextBoolean();
        for (int i = 0; i < ops; i++) {
            if (i == shutdownAt) {
                shutdownMidRun(kit, r, held, problems);
                return;
            }
            if (stopFailingMidway && i == ops / 2) {
                kit.inject(FaultScript.stopFailing());
            }
            final int op = r.nextInt(20);
            if (Boolean.getBoolean("soak.verbose")) {
                System.out.println("  op " + i + ": " + op + " held " + held);
            }
            if (op < 6 || held.isEmpty()) {
                register(kit, r, held, problems);
            } else if (op < 9) {
                kit.invalidate(held.remove(r.nextInt(held.size())));
            } else if (op == 9) {
                invalidateTwice(kit, held.remove(r.nextInt(held.size())), problems);
            } else if (op == 10) {
                afterRemoteInvalidation(kit, r, held.remove(r.nextInt(held.size())));
            } else if (op == 11) {
                registerAndSend(kit, r, held, problems);
            } else if (op == 12) {
                final RdmaTransport.SendReply sent = kit.await(kit.sendAsync(List.of(kit.memory(1 + r.nextInt(256)))),
                        RdmaTransport.SendReply.class);
                if (sent instanceof RdmaTransport.SendFailed f && f.error().kind() == TransportError.Kind.BAD_REQUEST) {
                    problems.add("a plain Send was refused as a bad request: " + f);
                }
            } else if (op == 13) {
                foreignMemory(kit, problems);
            } else if (op == 14 && k2 != null) {
                foreignRegistration(kit, r, k2, heldByK2, problems);
            } else if (op == 15) {
                burst(kit, r, held);
            } else if (op == 16) {
                deviceTrouble(kit, r);
            } else if (op == 17) {
                tooManyMrs(kit, problems);
            } else {
                kit.advance(Duration.ofMillis(10 + r.nextInt(200)));
            }
            if (r.nextInt(5) == 0) {
                kit.advance(Duration.ofMillis(10 + r.nextInt(200)));
            }
        }
        kit.deviceControl().unblock();
        for (Registration reg : held) {
            kit.invalidate(reg);
        }
        for (Registration reg : heldByK2) {
            k2.invalidate(reg);
        }
    }

    private static List<ChunkRequest> chunks(FrwrTestKit kit, SplittableRandom r) {
        final List<ChunkRequest> chunks = new ArrayList<>();
        final int n = 1 + r.nextInt(3);
        for (int c = 0; c < n; c++) {
            final Segment s = kit.memory(1 + r.nextInt(3 * 4096));
            chunks.add(ChunkRequest.of(r.nextBoolean() ? Direction.PEER_READS : Direction.PEER_WRITES, s));
        }
        return chunks;
    }

    private static void register(FrwrTestKit kit, SplittableRandom r, List<Registration> held, List<String> problems) {
        final RdmaTransport.RegisterReply reply = kit.await(kit.registerAsync(chunks(kit, r)),
                RdmaTransport.RegisterReply.class);
        if (reply instanceof RdmaTransport.Registered ok) {
            held.add(ok.registration());
        } else if (reply instanceof RdmaTransport.RegisterFailed f && f.error().kind() == TransportError.Kind.BAD_REQUEST) {
            problems.add("a plain Register was refused as a bad request: " + f);
        }
    }

    /** A builder that works, one that throws, and one whose SEND the provider refuses after the FAST_REGs went. */
    private static void registerAndSend(FrwrTestKit kit, SplittableRandom r, List<Registration> held,
                                        List<String> problems) {
        final int kind = r.nextInt(3);
        final Segment msg = kit.memory(64);
        final MessageBuilder builder = switch (kind) {
            case 0 -> reg -> {
                msg.buffer().buffer().putInt(msg.offset(), reg.chunk(0).get(0).rkey());
                return List.of(msg);
            };
            case 1 -> reg -> {
                throw new IllegalStateException("soak: the header does not fit");
            };
            default -> reg -> Arrays.asList((Segment) null);
        };
        final KitTransport.RegisterAndSend rs = kit.registerAndSendAsync(chunks(kit, r), builder);
        final RdmaTransport.RegisterReply reply = kit.await(rs.registered(), RdmaTransport.RegisterReply.class);
        if (reply instanceof RdmaTransport.Registered ok) {
            held.add(ok.registration());
            if (kind != 0) {
                problems.add("Register.andSend with a broken builder registered: " + ok);
            }
        }
    }

    private static void invalidateTwice(FrwrTestKit kit, Registration reg, List<String> problems) {
        final TestProbe<RdmaTransport.Invalidated> first;
        final TestProbe<RdmaTransport.Invalidated> second;
        try (Burst b = kit.burst()) {
            first = kit.invalidateAsync(reg);
            second = kit.invalidateAsync(reg);
        }
        final RdmaTransport.Invalidated one = kit.await(first, RdmaTransport.Invalidated.class);
        final RdmaTransport.Invalidated two = kit.await(second, RdmaTransport.Invalidated.class);
        if (one.fenced() != two.fenced()) {
            problems.add("two Invalidates of " + reg + " got different answers: " + one + " and " + two);
        }
    }

    /** With the rkey a SEND_WITH_INV named (when the peer can send one now), or with one nobody invalidated. */
    private static void afterRemoteInvalidation(FrwrTestKit kit, SplittableRandom r, Registration reg) {
        final int rkey = reg.chunk(0).get(0).rkey();
        if (r.nextBoolean() && kit.connectedQp() != null && !kit.serverQueuePairs().isEmpty()) {
            kit.peer().sendWithInvalidate(rkey, new byte[16]);
        }
        kit.invalidateAfterRemote(reg, r.nextInt(4) == 0 ? rkey ^ 0x1 : rkey);
    }

    private static void foreignMemory(FrwrTestKit kit, List<String> problems) {
        final Segment peers;
        try {
            peers = kit.serverDevice().mapBuffer(java.nio.ByteBuffer.allocateDirect(4096)).segment(0, 4096);
        } catch (io.frwr.verbs.VerbsException e) {
            throw new IllegalStateException(e);
        }
        final RdmaTransport.RegisterReply reply = kit.await(kit.registerAsync(List.of(ChunkRequest.of(
                Direction.PEER_WRITES, peers))), RdmaTransport.RegisterReply.class);
        // Checked when the request is served: if it waited for a connection that never came, NOT_CONNECTED.
        if (!(reply instanceof RdmaTransport.RegisterFailed f) || (f.error().kind() != TransportError.Kind.BAD_REQUEST
                && f.error().kind() != TransportError.Kind.NOT_CONNECTED)) {
            problems.add("memory of another device was not refused as BAD_REQUEST: " + reply);
        }
    }

    private static void foreignRegistration(FrwrTestKit kit, SplittableRandom r, KitTransport k2,
                                            List<Registration> heldByK2, List<String> problems) {
        final RdmaTransport.RegisterReply reply = kit.await(k2.registerAsync(List.of(ChunkRequest.of(
                Direction.PEER_WRITES, k2.memory(1 + r.nextInt(8192))))), RdmaTransport.RegisterReply.class);
        if (!(reply instanceof RdmaTransport.Registered ok)) {
            return;
        }
        heldByK2.add(ok.registration());
        final RdmaTransport.Invalidated refused = kit.await(kit.invalidateAsync(ok.registration()),
                RdmaTransport.Invalidated.class);
        if (refused.fenced() || refused.error() == null || refused.error().kind() != TransportError.Kind.BAD_REQUEST) {
            problems.add("a registration of another transport was not refused as BAD_REQUEST: " + refused);
        }
    }

    /** Several requests issued at once: they queue behind one another in the transport. */
    private static void burst(FrwrTestKit kit, SplittableRandom r, List<Registration> held) {
        final List<TestProbe<RdmaTransport.RegisterReply>> regs = new ArrayList<>();
        final List<TestProbe<RdmaTransport.Invalidated>> invs = new ArrayList<>();
        final int n = 2 + r.nextInt(4);
        try (Burst b = kit.burst()) {
            for (int i = 0; i < n; i++) {
                if (!held.isEmpty() && r.nextBoolean()) {
                    invs.add(kit.invalidateAsync(held.remove(r.nextInt(held.size()))));
                } else {
                    regs.add(kit.registerAsync(chunks(kit, r)));
                }
            }
        }
        for (TestProbe<RdmaTransport.RegisterReply> p : regs) {
            if (kit.await(p, RdmaTransport.RegisterReply.class) instanceof RdmaTransport.Registered ok) {
                held.add(ok.registration());
            }
        }
        for (TestProbe<RdmaTransport.Invalidated> p : invs) {
            kit.await(p, RdmaTransport.Invalidated.class);
        }
    }

    /**
     * Held or slow deregistrations and allocations. A hold is released after some manual time here: an
     * Invalidate that needs a deregistration rightly waits as long as the device holds it, so the workload
     * must not await one behind a hold it never lifts.
     */
    private static void deviceTrouble(FrwrTestKit kit, SplittableRandom r) {
        final DeviceControl d = kit.deviceControl();
        switch (r.nextInt(4)) {
            case 0 -> {
                d.blockDeregs();
                kit.advance(Duration.ofMillis(r.nextInt(300)));
                d.unblock();
            }
            case 1 -> d.slowDeregs(Duration.ofMillis(1 + r.nextInt(50)));
            case 2 -> d.slowAllocs(Duration.ofMillis(1 + r.nextInt(50)));
            default -> d.unblock();
        }
    }

    /** More MRs than the pool has: refused with a specific error, never a registration. */
    private static void tooManyMrs(FrwrTestKit kit, List<String> problems) {
        final int size = kit.settings().mrPool().size();
        final List<ChunkRequest> chunks = new ArrayList<>();
        for (int i = 0; i <= size; i++) {
            chunks.add(ChunkRequest.of(Direction.PEER_READS, kit.memory(64)));
        }
        final RdmaTransport.RegisterReply reply = kit.await(kit.registerAsync(chunks), RdmaTransport.RegisterReply.class);
        if (reply instanceof RdmaTransport.Registered ok) {
            problems.add("a registration of " + chunks.size() + " chunks from a pool of " + size + " succeeded: " + ok);
            kit.invalidate(ok.registration());
        }
    }

    /** Shutdown with registrations held; afterwards every request still ends, with STOPPED. */
    private static void shutdownMidRun(FrwrTestKit kit, SplittableRandom r, List<Registration> held,
                                       List<String> problems) {
        kit.deviceControl().unblock();
        final TestProbe<RdmaTransport.ShutdownComplete> done;
        final List<TestProbe<RdmaTransport.Invalidated>> invs = new ArrayList<>();
        try (Burst b = kit.burst()) {
            done = kit.shutdownAsync();
            for (Registration reg : held) {
                invs.add(kit.invalidateAsync(reg));
            }
        }
        kit.await(done, RdmaTransport.ShutdownComplete.class);
        for (TestProbe<RdmaTransport.Invalidated> p : invs) {
            kit.await(p, RdmaTransport.Invalidated.class);
        }
        final RdmaTransport.RegisterReply after = kit.await(kit.registerAsync(chunks(kit, r)),
                RdmaTransport.RegisterReply.class);
        if (!(after instanceof RdmaTransport.RegisterFailed f) || f.error().kind() != TransportError.Kind.STOPPED) {
            problems.add("a Register after Shutdown was not answered STOPPED: " + after);
        }
        final RdmaTransport.SendReply sent = kit.await(kit.sendAsync(List.of(kit.memory(64))),
                RdmaTransport.SendReply.class);
        if (!(sent instanceof RdmaTransport.SendFailed f) || f.error().kind() != TransportError.Kind.STOPPED) {
            problems.add("a Send after Shutdown was not answered STOPPED: " + sent);
        }
        held.clear();
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
