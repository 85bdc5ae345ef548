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
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.verbs.Access;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ForwardingRdmaDevice;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;
import io.frwr.verbs.sim.WireMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue-11 attack: a WRITE call whose read list advertises 16 segments of 16 MiB. The responder must
 * refuse it with ERR_CHUNK from the header alone (no RDMA READ on the wire, no buffer of the advertised
 * size), however often it is sent, and keep serving other connections.
 */
class ResponderLimitsTest {
    private static final byte[] HANDLE = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final int SIXTEEN_MIB = 16 << 20;
    private static final AtomicInteger XIDS = new AtomicInteger(0x11000);

    private static ActorTestKit testKit;
    private SimFabric fabric;
    private SimDevice client;
    private SimDevice honestClient;
    private MapLog mapLog;
    private Served served;
    private final List<WireMessage> serverReads = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startKit() {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void stopKit() {
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void startFabric() {
        fabric = SimFabric.builder().seed(11L).mode(SimMode.FREE).build();
        final SimDevice server = fabric.endpoint("server");
        client = fabric.endpoint("hostile");
        honestClient = fabric.endpoint("honest");
        mapLog = new MapLog(server);
        fabric.setWireTap(m -> {
            if (m.kind() == WireMessage.Kind.RDMA_READ_REQUEST && m.srcEndpoint() == server.endpointId()) {
                serverReads.add(m);
            }
        });
    }

    @AfterEach
    void closeFabric() {
        if (served != null) {
            testKit.stop(served.ref());
        }
        fabric.close();
    }

    /** The server's device, recording the size of every buffer the responder maps. */
    private static final class MapLog extends ForwardingRdmaDevice {
        final AtomicLong largest = new AtomicLong();

        MapLog(RdmaDevice delegate) {
            super(delegate);
        }

        @Override
        public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
            largest.accumulateAndGet(direct.capacity(), Math::max);
            return super.mapBuffer(direct);
        }
    }

    private record Served(ActorRef<RpcRdmaResponder.Command> ref, InMemoryExport export, FileHandle file,
                          String address) {
        ResponderStats stats() {
            final TestProbe<ResponderStats> probe = testKit.createTestProbe();
            ref.tell(new RpcRdmaResponder.GetStats(probe.getRef()));
            return probe.receiveMessage(Duration.ofSeconds(30));
        }
    }

    private Served serve(ResponderSettings settings) {
        final InMemoryExport export = new InMemoryExport(1, 1 << 20);
        final FileHandle fh = export.addFile(HANDLE, new byte[4096]);
        final String address = "server:20049";
        final Served s = new Served(testKit.spawn(RpcRdmaResponder.create(mapLog, address, settings,
                new NfsProgram(export))), export, fh, address);
        s.stats(); // answered: the listener is up
        served = s;
        return s;
    }

    private static byte[] concat(byte[]... parts) {
        return RpcRdmaResponderTest.concat(parts);
    }

    private static byte[] rpcCall(int xid, int proc, byte[] args) {
        return concat(new RpcCallHeader(xid, Nfs3.PROGRAM, Nfs3.VERSION, proc, OpaqueAuth.NONE, OpaqueAuth.NONE)
                .encode(), args);
    }

    /** An NFS WRITE whose data is said to be in 16 read segments of 16 MiB each under {@code rkey}. */
    private static byte[] hugeWrite(int xid, FileHandle file, int rkey, long iova) {
        final byte[] rpc = rpcCall(xid, Nfs3.PROC_WRITE,
                new WriteArgs(file, 0, 0, StableHow.FILE_SYNC, new byte[0]).encodeHead());
        final List<ReadSegment> reads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            reads.add(new ReadSegment(rpc.length, new RdmaSegment(rkey, SIXTEEN_MIB, iova + (long) i * SIXTEEN_MIB)));
        }
        return concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 32, reads, List.of(), null)), rpc);
    }

    private static RpcRdmaHeader header(RawVerbsRequester.Received r) throws Exception {
        return RpcRdmaCodec.decode(r.buffer(), DecodeLimits.DEFAULT);
    }

    private void assertHonestGetattrServed(Served s) throws Exception {
        try (RawVerbsRequester honest = new RawVerbsRequester(honestClient, s.address(), false)) {
            final int xid = XIDS.incrementAndGet();
            final RawVerbsRequester.Received got = honest.call(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 1,
                    List.of(), List.of(), null)), rpcCall(xid, Nfs3.PROC_GETATTR, new GetattrArgs(s.file())
                    .encode())));
            final ByteBuffer b = got.buffer();
            final RpcRdmaHeader h = RpcRdmaCodec.decode(b, DecodeLimits.DEFAULT);
            assertEquals(RdmaProc.RDMA_MSG, h.proc());
            final XdrDecoder d = new XdrDecoder(b);
            assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(d).status());
            assertEquals(4096, GetattrRes.decode(d).attributes().size());
        }
    }

    @Test
    void sixteenSegmentsOf16MiBUnderRkeysNeverRegisteredAreRefusedWithErrChunkBeforeAnyRead() throws Exception {
        final ResponderSettings settings = ResponderSettings.defaults();
        final Served s = serve(settings);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final int xid = XIDS.incrementAndGet();
            final RpcRdmaHeader h = header(req.call(hugeWrite(xid, s.file(), 0x7777_7701, 0x10_0000L)));
            assertEquals(RdmaProc.RDMA_ERROR, h.proc());
            assertEquals(xid, h.xid());
            assertInstanceOf(RdmaErrorBody.ErrChunk.class, h.error());
            // The connection is still up and serving.
            assertHonestGetattrServed(s);
        }
        assertEquals(List.of(), serverReads, "no RDMA READ was posted");
        final ResponderStats st = s.stats();
        assertEquals(1, st.callsOverLimit());
        assertEquals(0, st.bytesRead());
        assertTrue(mapLog.largest.get() <= settings.credits() * settings.inlineThreshold(),
                "largest buffer mapped " + mapLog.largest.get() + " bytes: only the connection's slots");
    }

    @Test
    void theSameReadListNamingAnMrTheRequesterRegisteredIsRefusedAlikeAndNothingIsPulled() throws Exception {
        final Served s = serve(ResponderSettings.defaults());
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final DmaBuffer source = req.map(512 << 10);
            final RawVerbsRequester.Registered reg = req.register(source, 512 << 10, Access.REMOTE_READ);
            final int xid = XIDS.incrementAndGet();
            final RpcRdmaHeader h = header(req.call(hugeWrite(xid, s.file(), reg.rkey(), reg.iova())));
            assertInstanceOf(RdmaErrorBody.ErrChunk.class, h.error());
        }
        assertEquals(List.of(), serverReads);
        assertEquals(0, s.stats().bytesRead());
    }

    @Test
    void aBurstOfSuchCallsUpToTheGrantedCreditsLeavesTheResponderServingAnotherConnection() throws Exception {
        final ResponderSettings settings = ResponderSettings.defaults();
        final Served s = serve(settings);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final DmaBuffer source = req.map(512 << 10);
            final RawVerbsRequester.Registered reg = req.register(source, 512 << 10, Access.REMOTE_READ);
            final List<byte[]> burst = new ArrayList<>();
            for (int i = 0; i < settings.credits(); i++) {
                burst.add(hugeWrite(XIDS.incrementAndGet(), s.file(), reg.rkey(), reg.iova()));
            }
            final List<RawVerbsRequester.Received> got;
            try {
                got = req.burst(burst);
            } catch (IllegalStateException e) {
                throw new AssertionError(fabric.stats() + " " + s.stats(), e);
            }
            for (RawVerbsRequester.Received r : got) {
                assertInstanceOf(RdmaErrorBody.ErrChunk.class, header(r).error());
            }
            assertHonestGetattrServed(s);
        }
        final ResponderStats st = s.stats();
        assertEquals(settings.credits(), st.callsOverLimit());
        assertEquals(0, st.connectionsDropped());
        assertEquals(List.of(), serverReads);
        assertTrue(st.peakConnectionBytes() <= 2L * settings.credits() * settings.inlineThreshold(),
                "peak " + st.peakConnectionBytes());
    }

    @Test
    void aReadListOneByteOverMaxCallPayloadIsRefusedAndOneAtTheMaximumIsServed() throws Exception {
        final int max = 64 * 1024;
        final ResponderSettings settings = ResponderSettings.defaults().withMaxPayload(max, max);
        final Served s = serve(settings);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final DmaBuffer source = req.map(max + 4096);
            final RawVerbsRequester.Registered reg = req.register(source, max + 4096, Access.REMOTE_READ);
            for (int length : new int[] {max + 1, max}) {
                final int xid = XIDS.incrementAndGet();
                final byte[] rpc = rpcCall(xid, Nfs3.PROC_WRITE,
                        new WriteArgs(s.file(), 0, length, StableHow.FILE_SYNC, new byte[length]).encodeHead());
                final RpcRdmaHeader call = RpcRdmaHeader.msg(xid, 32, List.of(new ReadSegment(rpc.length,
                        new RdmaSegment(reg.rkey(), length, reg.iova()))), List.of(), null);
                final RawVerbsRequester.Received got = req.call(concat(RpcRdmaCodec.encode(call), rpc));
                final ByteBuffer b = got.buffer();
                final RpcRdmaHeader h = RpcRdmaCodec.decode(b, DecodeLimits.DEFAULT);
                if (length > max) {
                    assertInstanceOf(RdmaErrorBody.ErrChunk.class, h.error(), "one byte over");
                } else {
                    final XdrDecoder d = new XdrDecoder(b);
                    assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(d).status());
                    assertEquals(Nfs3Status.NFS3_OK, WriteRes.decode(d).status());
                }
            }
        }
        final ResponderStats st = s.stats();
        assertEquals(1, st.callsOverLimit());
        assertEquals(max, st.bytesRead());
        assertEquals(1, serverReads.size());
        assertTrue(st.peakConnectionBytes() <= settings.connectionMemoryBound());
        assertTrue(st.peakConnectionBytes() >= 2L * settings.credits() * settings.inlineThreshold() + max,
                "the read buffer was counted: peak " + st.peakConnectionBytes());
    }

    @Test
    void aFullBurstOfCallsAtTheMaximumStaysWithinTheConnectionMemoryBound() throws Exception {
        final int max = 32 * 1024;
        final ResponderSettings settings = ResponderSettings.defaults().withCredits(16).withMaxPayload(max, max);
        final Served s = serve(settings);
        try (RawVerbsRequester req = new RawVerbsRequester(client, s.address(), false)) {
            final DmaBuffer source = req.map(max);
            final RawVerbsRequester.Registered reg = req.register(source, max, Access.REMOTE_READ);
            final List<byte[]> burst = new ArrayList<>();
            for (int i = 0; i < settings.credits(); i++) {
                final int xid = XIDS.incrementAndGet();
                final byte[] rpc = rpcCall(xid, Nfs3.PROC_WRITE,
                        new WriteArgs(s.file(), 0, max, StableHow.UNSTABLE, new byte[max]).encodeHead());
                burst.add(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 32, List.of(new ReadSegment(rpc.length,
                        new RdmaSegment(reg.rkey(), max, reg.iova()))), List.of(), null)), rpc));
            }
            for (RawVerbsRequester.Received r : req.burst(burst)) {
                final ByteBuffer b = r.buffer();
                assertEquals(RdmaProc.RDMA_MSG, RpcRdmaCodec.decode(b, DecodeLimits.DEFAULT).proc());
                assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(new XdrDecoder(b)).status());
            }
        }
        final ResponderStats st = s.stats();
        assertEquals(settings.credits(), st.calls());
        assertEquals(0, st.callsOverCredit());
        assertTrue(st.peakConnectionBytes() <= settings.connectionMemoryBound(),
                "peak " + st.peakConnectionBytes() + " > bound " + settings.connectionMemoryBound());
        assertTrue(mapLog.largest.get() <= Math.max(max, settings.credits() * settings.inlineThreshold()));
    }
}
