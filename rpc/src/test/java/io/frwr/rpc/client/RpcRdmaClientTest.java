package io.frwr.rpc.client;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.Nfs3;
import io.frwr.rpc.nfs.Nfs3Status;
import io.frwr.rpc.nfs.ReadRes;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.rpc.nfs.WriteArgs;
import io.frwr.rpc.nfs.WriteRes;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.RpcProgram;
import io.frwr.verbs.Segment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcRdmaClientTest {
    private static final int KIB64 = 64 * 1024;

    @Test
    void smallCallGoesInlineWithoutRegistering() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.getattr(f.file));
            final GetattrRes res = NfsClient.getattrResult(ok);
            assertEquals(Nfs3Status.NFS3_OK, res.status());
            assertEquals(f.fileContent.length, res.attributes().size());
            assertEquals(1, f.stats().get(ClientCounter.INLINE_CALLS));
            assertEquals(0, f.transportCounters().get(TransportCounter.REGISTRATIONS));
        }
    }

    @Test
    void writeDataTravelsInAReadChunk() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final byte[] data = pattern(KIB64, 5);
            final Segment src = f.memory(KIB64);
            src.buffer().buffer().put(0, data);
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.write(f.file, 4096, StableHow.FILE_SYNC, src));
            final WriteRes res = NfsClient.writeResult(ok);
            assertEquals(Nfs3Status.NFS3_OK, res.status());
            assertEquals(KIB64, res.count());
            assertArrayEquals(data, Arrays.copyOfRange(f.export.contents(f.file), 4096, 4096 + KIB64));
            assertEquals(1, f.stats().get(ClientCounter.READ_CHUNK_CALLS));
            assertEquals(KIB64, f.responderStats().bytesRead());
        }
    }

    @Test
    void aRefusedFastRegPostIsTriedAgainNotFailed() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final Segment src = f.memory(KIB64);
            src.buffer().buffer().put(0, pattern(KIB64, 9));
            f.succeed(NfsClient.write(f.file, 0, StableHow.FILE_SYNC, src)); // connected, warmed up
            f.fabric.faults().failNextPosts(f.clientDevice, 1, io.frwr.verbs.Errno.EAGAIN);
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.write(f.file, 0, StableHow.FILE_SYNC, src));
            assertEquals(Nfs3Status.NFS3_OK, NfsClient.writeResult(ok).status());
            assertEquals(1, f.transportCounters().get(io.frwr.actors.TransportCounter.POST_FAILURES),
                    "the refused post did happen");
        }
    }

    @Test
    void readDataLandsInTheCallersSinkThroughAWriteChunk() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final Segment sink = f.memory(KIB64);
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.read(f.file, 8192, sink));
            assertEquals(KIB64, ok.ddpBytesWritten());
            final byte[] landed = new byte[KIB64];
            sink.buffer().buffer().get(0, landed);
            final byte[] expected = Arrays.copyOfRange(f.fileContent, 8192, 8192 + KIB64);
            assertArrayEquals(expected, landed);
            final ReadRes res = NfsClient.readResult(ok, sink);
            assertEquals(KIB64, res.count());
            assertArrayEquals(expected, res.data());
            assertEquals(1, f.stats().get(ClientCounter.WRITE_CHUNKS_OFFERED));
        }
    }

    @Test
    void responderInvalidatesTheOneRkeyWithSendWithInv() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final Segment sink = f.memory(KIB64);
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.read(f.file, 0, sink));
            assertTrue(ok.remotelyInvalidated(), "the reply should have come as SEND_WITH_INV");
            assertEquals(1, f.responderStats().remoteInvalidations());
            final TransportCounters.Snapshot c = f.transportCounters();
            assertTrue(c.get(TransportCounter.REMOTE_INVALIDATIONS) > 0, c.toString());
            assertEquals(0, c.get(TransportCounter.LOCAL_INV_NEEDED), "no LOCAL_INV once the peer invalidated");
            assertEquals(1, f.stats().get(ClientCounter.REMOTE_INVALIDATIONS));
        }
    }

    @Test
    void largeReplyComesThroughAReplyChunkAndLargeCallAsNoMsg() throws Exception {
        final ClientSettings small = ClientSettings.defaults().withInlineThreshold(1024);
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), small)) {
            final CallResult.CallSucceeded ok = f.succeed(NfsClient.readInline(f.file, 100, 8192));
            final ReadRes res = NfsClient.readInlineResult(ok);
            assertArrayEquals(Arrays.copyOfRange(f.fileContent, 100, 100 + 8192), res.data());
            assertEquals(1, f.stats().get(ClientCounter.REPLY_CHUNKS_OFFERED));
            // A WRITE with its data inline in the arguments (no DDP item) is too big: RDMA_NOMSG.
            final byte[] data = pattern(3000, 9);
            final byte[] args = new WriteArgs(f.file, 0, data.length, StableHow.FILE_SYNC, data).encode();
            final CallResult.CallSucceeded wrote = f.succeed(RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION,
                    Nfs3.PROC_WRITE, args, NfsClient.SMALL_REPLY));
            assertEquals(data.length, NfsClient.writeResult(wrote).count());
            assertArrayEquals(data, Arrays.copyOf(f.export.contents(f.file), data.length));
            assertEquals(1, f.stats().get(ClientCounter.NOMSG_CALLS));
        }
    }

    @Test
    void neverMoreCallsOutstandingThanTheResponderGrants() throws Exception {
        // Manual time: every call is queued before the first reply can come, so the grant is the only limit.
        final ResponderSettings two = ResponderSettings.defaults().withCredits(2).withServiceTime(Duration.ofSeconds(1));
        final ClientSettings patient = ClientSettings.defaults().withCallTimeout(Duration.ofHours(1));
        try (ClientFixture f = new ClientFixture(two, patient, "", true, p -> p)) {
            final List<TestProbe<CallResult>> probes = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                probes.add(f.call(NfsClient.getattr(f.file)));
            }
            for (TestProbe<CallResult> p : probes) {
                assertInstanceOf(CallResult.CallSucceeded.class, resultAsTimePasses(f, p, Duration.ofSeconds(1)));
            }
            final ClientStats s = f.stats();
            assertEquals(2, s.maxOutstanding(), "grant is 2: the client must use both and never a third; " + s);
            assertEquals(2, s.credits());
            assertTrue(s.get(ClientCounter.CREDIT_WAITS) > 0, s.toString());
            assertEquals(0, f.transportCounters().get(TransportCounter.QP_ERRORS), "an RNR would break the QP");
            assertEquals(24, f.responderStats().calls());
        }
    }

    @Test
    void callsWithoutAReplyAreResentWithTheSameXidAfterAReconnect() throws Exception {
        final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        final CountDownLatch firstSeen = new CountDownLatch(1);
        final RpcProgramTap tap = new RpcProgramTap(seen, firstSeen);
        // Manual time keeps the call at the responder (its service time) while the connection breaks.
        final ResponderSettings slow = ResponderSettings.defaults().withServiceTime(Duration.ofMinutes(1));
        final ClientSettings patient = ClientSettings.defaults().withCallTimeout(Duration.ofHours(1));
        try (ClientFixture f = new ClientFixture(slow, patient, "", true, tap::wrap)) {
            final Segment sink = f.memory(KIB64);
            final TestProbe<CallResult> read = f.call(NfsClient.read(f.file, 0, sink));
            final TestProbe<CallResult> getattr = f.call(NfsClient.getattr(f.file));
            assertTrue(firstSeen.await(30, TimeUnit.SECONDS), "the responder never saw the call");
            final long epoch = f.stats().epoch();
            final long reconnects = f.transportCounters().get(TransportCounter.RECONNECTS);
            f.breakConnection();
            f.awaitEpoch(epoch + 1);
            f.kit.createTestProbe().awaitAssert(ClientFixture.HANG_GUARD, Duration.ofMillis(10), () -> {
                f.time.timePasses(Duration.ofMillis(10)); // recovery's timers fence the old registration
                assertTrue(seen.values().stream().anyMatch(n -> n.get() == 2), "no XID seen twice yet: " + seen);
                return null;
            });
            final CallResult r1 = resultAsTimePasses(f, read, Duration.ofMinutes(1));
            final CallResult r2 = resultAsTimePasses(f, getattr, Duration.ofMinutes(1));
            final CallResult.CallSucceeded ok = assertInstanceOf(CallResult.CallSucceeded.class, r1);
            assertInstanceOf(CallResult.CallSucceeded.class, r2);
            assertEquals(1, ok.retransmits(), "the READ should have been resent once: " + ok);
            assertEquals(2, seen.get(ok.xid()).get(), "the responder should see the READ's XID twice: " + seen);
            final byte[] landed = new byte[KIB64];
            sink.buffer().buffer().get(0, landed);
            assertArrayEquals(Arrays.copyOf(f.fileContent, KIB64), landed);
            assertEquals(1, f.stats().get(ClientCounter.RETRANSMITS));
            assertEquals(reconnects + 1, f.transportCounters().get(TransportCounter.RECONNECTS));
        }
    }

    /** Let manual time pass in steps until the probe has its result. */
    private static CallResult resultAsTimePasses(ClientFixture f, TestProbe<CallResult> p, Duration step) {
        return p.awaitAssert(ClientFixture.HANG_GUARD, Duration.ofMillis(10), () -> {
            f.time.timePasses(step);
            return p.receiveMessage(Duration.ofMillis(20));
        });
    }

    @Test
    void callFailsConnectionLostOnceRetransmitsAreSpent() throws Exception {
        final CountDownLatch firstSeen = new CountDownLatch(1);
        final RpcProgramTap tap = new RpcProgramTap(new ConcurrentHashMap<>(), firstSeen);
        final ResponderSettings slow = ResponderSettings.defaults().withServiceTime(Duration.ofSeconds(20));
        final ClientSettings noResend = ClientSettings.defaults().withMaxRetransmits(0);
        try (ClientFixture f = new ClientFixture(slow, noResend, "", false, tap::wrap)) {
            final Segment src = f.memory(KIB64);
            final TestProbe<CallResult> write = f.call(NfsClient.write(f.file, 0, StableHow.UNSTABLE, src));
            assertTrue(firstSeen.await(30, TimeUnit.SECONDS), "the responder never saw the call");
            f.breakConnection();
            final CallResult r = ClientFixture.result(write);
            assertEquals(CallError.Kind.CONNECTION_LOST, assertInstanceOf(CallResult.CallFailed.class, r).kind());
            assertEquals(1, f.stats().failures(CallError.Kind.CONNECTION_LOST));
        }
    }

    @Test
    void noFreeMrFailsTheCallWithNoMr() throws Exception {
        // Manual time holds every call at the responder until the test lets its service time pass.
        final ResponderSettings held = ResponderSettings.defaults().withCredits(4).withServiceTime(Duration.ofMinutes(1));
        final ClientSettings patient = ClientSettings.defaults().withCallTimeout(Duration.ofMinutes(10));
        try (ClientFixture f = new ClientFixture(held, patient, "frwr-transport.mr-pool.size = 2\n", true, p -> p)) {
            final TestProbe<CallResult> warmUp = f.call(NfsClient.getattr(f.file));
            awaitResponderCalls(f, 1);
            f.time.timePasses(Duration.ofMinutes(2));
            assertInstanceOf(CallResult.CallSucceeded.class, ClientFixture.result(warmUp)); // the grant is 4 now
            final List<TestProbe<CallResult>> probes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                probes.add(f.call(NfsClient.read(f.file, 0, f.memory(4096))));
            }
            // The first two READs hold the pool's two MRs at the responder: the others find none free.
            for (TestProbe<CallResult> p : probes.subList(2, 4)) {
                final CallResult.CallFailed failed = assertInstanceOf(CallResult.CallFailed.class, ClientFixture.result(p));
                assertEquals(CallError.Kind.NO_MR, failed.kind(), failed.toString());
            }
            awaitResponderCalls(f, 3);
            f.time.timePasses(Duration.ofMinutes(2));
            for (TestProbe<CallResult> p : probes.subList(0, 2)) {
                assertInstanceOf(CallResult.CallSucceeded.class, ClientFixture.result(p));
            }
            assertEquals(2, f.stats().failures(CallError.Kind.NO_MR));
            assertEquals(3, f.responderStats().calls(), "the refused READs never reached the responder");
        }
    }

    private static void awaitResponderCalls(ClientFixture f, long calls) {
        f.kit.createTestProbe().awaitAssert(ClientFixture.HANG_GUARD, Duration.ofMillis(10), () -> {
            assertEquals(calls, f.responderStats().calls());
            return null;
        });
    }

    @Test
    void rdmaErrorFromTheResponderIsARemoteError() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            // A 4 KiB sink for a 64 KiB READ: the data does not fit the write chunk, the responder says ERR_CHUNK.
            final Segment sink = f.memory(4096);
            final RpcCallSpec spec = NfsClient.read(f.file, 0, sink);
            final RpcCallSpec tooBig = RpcCallSpec.of(spec.program(), spec.version(), spec.procedure(),
                    new io.frwr.rpc.nfs.ReadArgs(f.file, 0, KIB64).encode(), spec.maxReplySize()).withResultSink(sink);
            final CallResult r = ClientFixture.result(f.call(tooBig));
            final CallResult.CallFailed failed = assertInstanceOf(CallResult.CallFailed.class, r);
            assertEquals(CallError.Kind.REMOTE_ERROR, failed.kind());
            assertTrue(failed.error().message().contains("ERR_CHUNK"), failed.toString());
            assertEquals(1, f.responderStats().errorsSent());
            // The registration was fenced before the failure: its MR went back through LOCAL_INV.
            assertEquals(1, f.transportCounters().get(TransportCounter.LOCAL_INV_NEEDED));
        }
    }

    @Test
    void unknownProgramIsRejected() throws Exception {
        try (ClientFixture f = ClientFixture.of(ResponderSettings.defaults(), ClientSettings.defaults())) {
            final CallResult r = ClientFixture.result(f.call(RpcCallSpec.of(4242, 1, 0, new byte[0], 64)));
            final CallResult.CallFailed failed = assertInstanceOf(CallResult.CallFailed.class, r);
            assertEquals(CallError.Kind.RPC_REJECTED, failed.kind());
            assertTrue(failed.error().message().contains("PROG_UNAVAIL"), failed.toString());
        }
    }

    @Test
    void timedOutCallIsInvalidatedBeforeItFails() throws Exception {
        final ResponderSettings never = ResponderSettings.defaults().withServiceTime(Duration.ofHours(1));
        final ClientSettings fiveSeconds = ClientSettings.defaults().withCallTimeout(Duration.ofSeconds(5));
        try (ClientFixture f = new ClientFixture(never, fiveSeconds, "", true, p -> p)) {
            final TestProbe<CallResult> p = f.call(NfsClient.read(f.file, 0, f.memory(KIB64)));
            awaitResponderCalls(f, 1);
            f.time.timePasses(Duration.ofSeconds(4));
            p.expectNoMessage(Duration.ofMillis(50));
            f.time.timePasses(Duration.ofSeconds(2));
            final CallResult.CallFailed failed = assertInstanceOf(CallResult.CallFailed.class, ClientFixture.result(p));
            assertEquals(CallError.Kind.TIMEOUT, failed.kind());
            assertEquals(1, f.transportCounters().get(TransportCounter.LOCAL_INV_NEEDED),
                    "the sink's MR must be invalidated before the caller hears TIMEOUT");
        }
    }

    @Test
    void shutdownFailsQueuedCallsWithStopped() throws Exception {
        final ResponderSettings slow = ResponderSettings.defaults().withServiceTime(Duration.ofSeconds(20));
        try (ClientFixture f = new ClientFixture(slow, ClientSettings.defaults(), "", false, p -> p)) {
            final TestProbe<CallResult> first = f.call(NfsClient.getattr(f.file));
            final TestProbe<CallResult> queued = f.call(NfsClient.getattr(f.file));
            final TestProbe<RpcRdmaClient.ShutdownComplete> done = f.kit.createTestProbe();
            f.client.tell(new RpcRdmaClient.Shutdown(done.getRef()));
            assertEquals(CallError.Kind.STOPPED, ((CallResult.CallFailed) ClientFixture.result(first)).kind());
            assertEquals(CallError.Kind.STOPPED, ((CallResult.CallFailed) ClientFixture.result(queued)).kind());
            final RpcRdmaClient.ShutdownComplete complete = done.expectMessageClass(
                    RpcRdmaClient.ShutdownComplete.class, ClientFixture.HANG_GUARD);
            assertEquals(2, complete.stats().failures(CallError.Kind.STOPPED));
            assertFalse(complete.stats().get(ClientCounter.SUCCEEDED) > 0);
        }
    }

    private static byte[] pattern(int n, long seed) {
        final byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Counts each XID the program sees; the first sighting opens the latch. */
    private record RpcProgramTap(Map<Integer, AtomicInteger> seen, CountDownLatch firstSeen) {
        RpcProgram wrap(RpcProgram inner) {
            return call -> {
                seen.computeIfAbsent(call.xid(), x -> new AtomicInteger()).incrementAndGet();
                firstSeen.countDown();
                return inner.handle(call);
            };
        }
    }
}
