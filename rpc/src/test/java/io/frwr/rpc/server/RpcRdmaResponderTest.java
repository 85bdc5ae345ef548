package io.frwr.rpc.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.GetattrArgs;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.Nfs3;
import io.frwr.rpc.nfs.Nfs3Status;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.nfs.ReadArgs;
import io.frwr.rpc.nfs.ReadRes;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.rpc.nfs.WriteArgs;
import io.frwr.rpc.nfs.WriteRes;
import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaErrorBody;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.verbs.Access;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The responder against a raw-verbs requester on the free-running simulated fabric. */
class RpcRdmaResponderTest {
    private static final byte[] HANDLE = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, (byte) 0x80};
    private static final int BIG = 64 * 1024;
    private static final AtomicInteger XIDS = new AtomicInteger(0x5000);
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private static ActorTestKit testKit;
    private static SimFabric fabric;
    private static RdmaDevice server;
    private static RdmaDevice client;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create();
        fabric = SimFabric.builder().seed(42L).mode(SimMode.FREE).build();
        server = fabric.endpoint("server");
        client = fabric.endpoint("client");
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    /** A responder of its own at a fresh address, so tests do not share counters or settings. */
    private record Served(String address, ActorRef<RpcRdmaResponder.Command> ref, InMemoryExport export,
                          FileHandle file) {
        ResponderStats stats() {
            final TestProbe<ResponderStats> probe = testKit.createTestProbe();
            ref.tell(new RpcRdmaResponder.GetStats(probe.getRef()));
            return probe.receiveMessage(Duration.ofSeconds(30));
        }
    }

    private static Served serve(ResponderSettings settings, RpcProgram program) {
        final InMemoryExport export = new InMemoryExport(1, 1 << 20);
        final FileHandle fh = export.addFile(HANDLE, pattern(BIG, 3));
        final String address = "server:" + (20049 + ADDRESSES.getAndIncrement());
        final RpcProgram p = program != null ? program : new NfsProgram(export);
        final ActorRef<RpcRdmaResponder.Command> ref = testKit.spawn(RpcRdmaResponder.create(server, address,
                settings, p));
        // GetStats answered means the actor ran its setup, so the listener is up.
        new Served(address, ref, export, fh).stats();
        return new Served(address, ref, export, fh);
    }

    private static byte[] pattern(int n, int seed) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + seed + (i >> 8));
        }
        return b;
    }

    private static byte[] rpcCall(int xid, int proc, byte[] args) {
        final byte[] head = new RpcCallHeader(xid, Nfs3.PROGRAM, Nfs3.VERSION, proc, OpaqueAuth.NONE,
                OpaqueAuth.NONE).encode();
        return concat(head, args);
    }

    /** The parts laid end to end (shared with the other responder tests). */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        final ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** Decodes the transport header and leaves the decoder at the RPC reply. */
    private record Reply(RpcRdmaHeader header, XdrDecoder rpc) {
    }

    private static Reply decode(RawVerbsRequester.Received r) throws Exception {
        final ByteBuffer b = r.buffer();
        final RpcRdmaHeader h = RpcRdmaCodec.decode(b, DecodeLimits.DEFAULT);
        return new Reply(h, new XdrDecoder(b));
    }

    @Test
    void inlineGetattrIsAnsweredInlineWithCredits() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), true)) {
            assertTrue(req.serverPrivate.remoteInvalidation(), "RFC 8797 reply private data offers it");
            assertEquals(4096, req.serverPrivate.inlineRecvSize());
            final int xid = XIDS.incrementAndGet();
            final byte[] call = concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 4, List.of(), List.of(), null)),
                    rpcCall(xid, Nfs3.PROC_GETATTR, new GetattrArgs(s.file()).encode()));
            final RawVerbsRequester.Received got = req.call(call);
            final Reply r = decode(got);
            assertEquals(RdmaProc.RDMA_MSG, r.header().proc());
            assertEquals(xid, r.header().xid());
            assertEquals(32, r.header().credits());
            assertFalse(got.completion().withInvalidate(), "the call carried no rkey");
            final RpcReplyHeader rh = RpcReplyHeader.decode(r.rpc());
            assertEquals(ReplyStatus.SUCCESS, rh.status());
            assertEquals(xid, rh.xid());
            final GetattrRes g = GetattrRes.decode(r.rpc());
            assertEquals(BIG, g.attributes().size());
        }
        assertEquals(1, s.stats().calls());
    }

    @Test
    void nfsWriteOf64KiBIsPulledFromTheReadChunk() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final byte[] data = pattern(BIG, 99);
            final DmaBuffer source = req.map(BIG);
            source.buffer().put(0, data);
            final RawVerbsRequester.Registered reg = req.register(source, BIG, Access.REMOTE_READ);
            final int xid = XIDS.incrementAndGet();
            final byte[] rpc = rpcCall(xid, Nfs3.PROC_WRITE,
                    new WriteArgs(s.file(), 0, BIG, StableHow.FILE_SYNC, data).encodeHead());
            final RpcRdmaHeader h = RpcRdmaHeader.msg(xid, 4, List.of(new ReadSegment(rpc.length,
                    new RdmaSegment(reg.rkey(), BIG, reg.iova()))), List.of(), null);
            final Reply r = decode(req.call(concat(RpcRdmaCodec.encode(h), rpc)));
            assertEquals(RdmaProc.RDMA_MSG, r.header().proc());
            assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(r.rpc()).status());
            final WriteRes w = WriteRes.decode(r.rpc());
            assertEquals(Nfs3Status.NFS3_OK, w.status());
            assertEquals(BIG, w.count());
            assertArrayEquals(data, s.export().contents(s.file()));
        }
        assertTrue(s.stats().bytesRead() >= BIG, "bytes read " + s.stats().bytesRead());
    }

    @Test
    void rdmaNoMsgCallComesWholeFromThePositionZeroReadChunk() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final int xid = XIDS.incrementAndGet();
            final byte[] rpc = rpcCall(xid, Nfs3.PROC_GETATTR, new GetattrArgs(s.file()).encode());
            final DmaBuffer source = req.map(4096);
            source.buffer().put(0, rpc);
            final RawVerbsRequester.Registered reg = req.register(source, rpc.length, Access.REMOTE_READ);
            final RpcRdmaHeader h = RpcRdmaHeader.noMsg(xid, 4, List.of(new ReadSegment(0,
                    new RdmaSegment(reg.rkey(), rpc.length, reg.iova()))), List.of(), null);
            final Reply r = decode(req.call(RpcRdmaCodec.encode(h)));
            assertEquals(RdmaProc.RDMA_MSG, r.header().proc());
            assertEquals(xid, RpcReplyHeader.decode(r.rpc()).xid());
            assertEquals(BIG, GetattrRes.decode(r.rpc()).attributes().size());
        }
    }

    @Test
    void nfsReadOf64KiBIsPushedIntoTheWriteChunkAndEchoed() throws Exception {
        final Served s = serve(ResponderSettings.defaults().withRemoteInvalidation(false), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), true)) {
            final DmaBuffer sink = req.map(BIG + 4096);
            final RawVerbsRequester.Registered reg = req.register(sink, BIG + 4096, Access.REMOTE_WRITE);
            final int xid = XIDS.incrementAndGet();
            final RpcRdmaHeader h = RpcRdmaHeader.msg(xid, 4, List.of(), List.of(new WriteChunk(List.of(
                    new RdmaSegment(reg.rkey(), BIG + 4096, reg.iova())))), null);
            final RawVerbsRequester.Received got = req.call(concat(RpcRdmaCodec.encode(h),
                    rpcCall(xid, Nfs3.PROC_READ, new ReadArgs(s.file(), 0, BIG).encode())));
            assertFalse(got.completion().withInvalidate(), "the responder did not offer remote invalidation");
            final Reply r = decode(got);
            assertEquals(1, r.header().writeList().size());
            assertEquals(BIG, r.header().writeList().get(0).totalLength(), "echo states the bytes written");
            assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(r.rpc()).status());
            final byte[] landed = new byte[BIG];
            sink.buffer().get(0, landed);
            final ReadRes res = ReadRes.decode(r.rpc(), landed);
            assertEquals(BIG, res.count());
            assertTrue(res.eof());
            assertArrayEquals(s.export().contents(s.file()), landed);
        }
        assertTrue(s.stats().bytesWritten() >= BIG);
        assertEquals(0, s.stats().remoteInvalidations());
    }

    @Test
    void largeReplyGoesThroughTheReplyChunkWithATinyInlineThreshold() throws Exception {
        final byte[] results = pattern(8192, 5);
        final Served s = serve(ResponderSettings.defaults().withInlineThreshold(1024),
                call -> RpcReply.success(results));
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final DmaBuffer sink = req.map(16384);
            final RawVerbsRequester.Registered reg = req.register(sink, 16384, Access.REMOTE_WRITE);
            final int xid = XIDS.incrementAndGet();
            final RpcRdmaHeader h = RpcRdmaHeader.msg(xid, 4, List.of(), List.of(),
                    new WriteChunk(List.of(new RdmaSegment(reg.rkey(), 16384, reg.iova()))));
            final Reply r = decode(req.call(concat(RpcRdmaCodec.encode(h),
                    rpcCall(xid, Nfs3.PROC_GETATTR, new GetattrArgs(s.file()).encode()))));
            assertEquals(RdmaProc.RDMA_NOMSG, r.header().proc());
            assertEquals(0, r.rpc().remaining(), "RDMA_NOMSG carries no RPC message inline");
            final int length = (int) r.header().replyChunk().totalLength();
            assertEquals(24 + results.length, length);
            final byte[] message = new byte[length];
            sink.buffer().get(0, message);
            final XdrDecoder d = XdrDecoder.of(message);
            assertEquals(xid, RpcReplyHeader.decode(d).xid());
            assertArrayEquals(results, d.readOpaqueFixed(results.length, "results"));
        }
    }

    @Test
    void remoteInvalidationKillsTheOneRkeyTheCallCarried() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), true)) {
            final DmaBuffer sink = req.map(BIG);
            final RawVerbsRequester.Registered reg = req.register(sink, BIG, Access.REMOTE_WRITE);
            final int xid = XIDS.incrementAndGet();
            final RpcRdmaHeader h = RpcRdmaHeader.msg(xid, 4, List.of(), List.of(new WriteChunk(List.of(
                    new RdmaSegment(reg.rkey(), BIG, reg.iova())))), null);
            final RawVerbsRequester.Received got = req.call(concat(RpcRdmaCodec.encode(h),
                    rpcCall(xid, Nfs3.PROC_READ, new ReadArgs(s.file(), 0, BIG).encode())));
            assertTrue(got.completion().withInvalidate(), "reply came as SEND_WITH_INV");
            assertEquals(reg.rkey(), got.completion().invalidatedRkey());
            assertEquals(1, s.stats().remoteInvalidations());
            // The MR is INVALID now: FAST_REG, which fails on a VALID MR, succeeds.
            req.reregister(reg.mr(), sink, BIG, Access.REMOTE_WRITE);

            // The old rkey is dead: a call naming it makes the responder's WRITE fail and the QP break.
            final int xid2 = XIDS.incrementAndGet();
            final RpcRdmaHeader stale = RpcRdmaHeader.msg(xid2, 4, List.of(), List.of(new WriteChunk(List.of(
                    new RdmaSegment(reg.rkey(), BIG, reg.iova())))), null);
            assertThrows(Exception.class, () -> req.call(concat(RpcRdmaCodec.encode(stale),
                    rpcCall(xid2, Nfs3.PROC_READ, new ReadArgs(s.file(), 0, BIG).encode()))));
        }
    }

    @Test
    void malformedHeaderGetsErrChunkAndTheConnectionServesTheNextCall() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final int xid = XIDS.incrementAndGet();
            final byte[] bad = ByteBuffer.allocate(32).putInt(xid).putInt(1).putInt(4).putInt(0).putInt(7).array();
            final Reply r = decode(req.call(bad));
            assertEquals(RdmaProc.RDMA_ERROR, r.header().proc());
            assertEquals(xid, r.header().xid());
            assertInstanceOf(RdmaErrorBody.ErrChunk.class, r.header().error());

            final int xid2 = XIDS.incrementAndGet();
            final Reply ok = decode(req.call(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid2, 4, List.of(),
                    List.of(), null)), rpcCall(xid2, Nfs3.PROC_NULL, new byte[0]))));
            assertEquals(RdmaProc.RDMA_MSG, ok.header().proc());
            assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(ok.rpc()).status());
        }
        final ResponderStats stats = s.stats();
        assertEquals(1, stats.errorsSent());
        assertEquals(1, stats.calls());
    }

    @Test
    void wrongVersionGetsErrVers() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final int xid = XIDS.incrementAndGet();
            final byte[] call = concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 4, List.of(), List.of(), null)),
                    rpcCall(xid, Nfs3.PROC_NULL, new byte[0]));
            ByteBuffer.wrap(call).putInt(4, 2);
            final Reply r = decode(req.call(call));
            assertEquals(RdmaProc.RDMA_ERROR, r.header().proc());
            assertEquals(xid, r.header().xid());
            final RdmaErrorBody.ErrVers v = assertInstanceOf(RdmaErrorBody.ErrVers.class, r.header().error());
            assertEquals(1, v.low());
            assertEquals(1, v.high());
            assertNull(r.header().replyChunk());
        }
    }

    @Test
    void serviceTimeDelaysTheReplyOnATimerAndItStillArrives() throws Exception {
        final Served s = serve(ResponderSettings.defaults().withServiceTime(Duration.ofMillis(20)), null);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            for (int i = 0; i < 3; i++) {
                final int xid = XIDS.incrementAndGet();
                final Reply r = decode(req.call(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 4, List.of(),
                        List.of(), null)), rpcCall(xid, Nfs3.PROC_NULL, new byte[0]))));
                assertEquals(xid, RpcReplyHeader.decode(r.rpc()).xid());
            }
        }
        assertEquals(3, s.stats().calls());
    }

    @Test
    void disconnectReleasesTheConnection() throws Exception {
        final Served s = serve(ResponderSettings.defaults(), null);
        final RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false);
        final TestProbe<ResponderStats> probe = testKit.createTestProbe();
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
            s.ref().tell(new RpcRdmaResponder.GetStats(probe.getRef()));
            assertEquals(1, probe.receiveMessage().activeConnections());
            return null;
        });
        req.close();
        probe.awaitAssert(Duration.ofSeconds(30), () -> {
            s.ref().tell(new RpcRdmaResponder.GetStats(probe.getRef()));
            final ResponderStats st = probe.receiveMessage();
            assertEquals(0, st.activeConnections());
            assertEquals(1, st.connectionsReleased());
            return null;
        });
    }
}
