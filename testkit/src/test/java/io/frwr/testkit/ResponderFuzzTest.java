package io.frwr.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.ResponderStats;
import io.frwr.verbs.Access;
import io.frwr.verbs.sim.WireMessage;
import org.junit.jupiter.api.AfterAll;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The responder end to end on the stepped fabric, fed by fuzzed requester input: a few registrations, then
 * messages that are either raw bytes or headers whose segments point (or nearly point) at them. After each
 * input the responder must still answer, have held no connection above its memory bound, and have READ or
 * WRITTEN only inside segments some message of this input advertised.
 */
class ResponderFuzzTest {
    private static final ResponderSettings SETTINGS = ResponderSettings.defaults().withCredits(8)
            .withMaxPayload(64 * 1024, 64 * 1024);
    private static HostileRig rig;
    private static MisbehavingRequester hostile;
    private static int connections;
    private static long inputs;

    @AfterAll
    static void close() {
        if (rig != null) {
            rig.close();
            rig = null;
        }
    }

    @FuzzTest(maxDuration = "10m")
    void responderFedByAHostileRequester(FuzzedDataProvider in) throws Exception {
        if (rig == null) {
            rig = new HostileRig(7, SETTINGS);
        }
        // A fresh connection when the last one broke, and every 64 inputs so MRs do not pile up.
        if (hostile == null || !hostile.isConnected() || ++inputs % 64 == 0) {
            if (hostile != null) {
                rig.retire(hostile);
            }
            // A few endpoints, reused: a fabric keeps every endpoint it ever made, so a new one per connection
            // would grow the harness (not the responder) by the requester's memory until the JVM runs out.
            hostile = rig.connect("hostile-" + (connections++ % 8));
        }
        final int readsBefore = hostile.remoteAccesses().size();
        final List<MisbehavingRequester.Chunk> chunks = new ArrayList<>();
        final int registrations = in.consumeInt(0, 2);
        for (int i = 0; i < registrations; i++) {
            chunks.add(hostile.register(in.consumeInt(1, 16 * 1024), Access.REMOTE_READ | Access.REMOTE_WRITE));
        }
        final List<RpcRdmaHeader> advertised = new ArrayList<>();
        final int messages = in.consumeInt(1, 4);
        for (int i = 0; i < messages && hostile.isConnected(); i++) {
            final byte[] message = in.consumeBoolean() ? in.consumeBytes(MisbehavingRequester.SLOT)
                    : structured(in, chunks);
            if (message.length == 0) {
                continue;
            }
            try {
                advertised.add(RpcRdmaCodec.decode(ByteBuffer.wrap(message), DecodeLimits.DEFAULT));
            } catch (RpcRdmaDecodeException e) {
                // the responder must refuse it, so no access may follow from it
            }
            hostile.send(message);
        }
        rig.runUntilQuiet();
        final List<WireMessage> reads = hostile.remoteAccesses();
        for (WireMessage m : reads.subList(readsBefore, reads.size())) {
            check(insideSomeSegment(m, advertised), "responder accessed " + m.dmaLength() + " bytes at 0x"
                    + Long.toHexString(m.remoteAddr()) + " rkey 0x" + Integer.toHexString(m.rkey())
                    + " outside every advertised segment");
        }
        final ResponderStats st = rig.stats();
        check(st.peakConnectionBytes() <= SETTINGS.connectionMemoryBound(), "peak " + st.peakConnectionBytes());
        check(rig.fabric.stats().staleRkeyAccessSucceeded() == 0, "stale rkey access");
    }

    /** A header of plausible shape whose segments name our registrations, nearly: the lies are fuzzed. */
    private static byte[] structured(FuzzedDataProvider in, List<MisbehavingRequester.Chunk> chunks) {
        final int xid = in.consumeInt();
        final byte[] rpc = MisbehavingRequester.nfsNull(xid, in.consumeBytes(64));
        final List<ReadSegment> reads = new ArrayList<>();
        final int nReads = in.consumeInt(0, 3);
        for (int i = 0; i < nReads; i++) {
            reads.add(new ReadSegment(in.consumeInt(0, rpc.length / 4 + 2) * 4, segment(in, chunks)));
        }
        final List<WriteChunk> writes = new ArrayList<>();
        if (in.consumeBoolean()) {
            writes.add(new WriteChunk(List.of(segment(in, chunks))));
        }
        final WriteChunk reply = in.consumeBoolean() ? new WriteChunk(List.of(segment(in, chunks))) : null;
        final RpcRdmaHeader h = in.consumeBoolean() ? RpcRdmaHeader.msg(xid, in.consumeInt(0, 64), reads, writes,
                reply) : RpcRdmaHeader.noMsg(xid, 1, reads, writes, reply);
        final byte[] header = RpcRdmaCodec.encode(h);
        final byte[] message = in.consumeBoolean() ? MisbehavingRequester.concat(header, rpc) : header;
        return message.length <= MisbehavingRequester.SLOT ? message : header;
    }

    private static RdmaSegment segment(FuzzedDataProvider in, List<MisbehavingRequester.Chunk> chunks) {
        if (chunks.isEmpty() || in.consumeBoolean()) {
            return new RdmaSegment(in.consumeInt(), in.consumeInt(0, 1 << 20), in.consumeLong());
        }
        final MisbehavingRequester.Chunk c = chunks.get(in.consumeInt(0, chunks.size() - 1));
        return new RdmaSegment(c.rkey(), in.consumeInt(0, c.length() + 64), c.iova() + in.consumeInt(-64,
                c.length()));
    }

    /** The wire access lies wholly inside one segment, under its rkey, of a message we sent. */
    private static boolean insideSomeSegment(WireMessage m, List<RpcRdmaHeader> advertised) {
        for (RpcRdmaHeader h : advertised) {
            final List<RdmaSegment> segments = new ArrayList<>();
            h.readList().forEach(r -> segments.add(r.segment()));
            h.writeList().forEach(w -> segments.addAll(w.segments()));
            if (h.replyChunk() != null) {
                segments.addAll(h.replyChunk().segments());
            }
            for (RdmaSegment s : segments) {
                if (s.handle() == m.rkey() && m.remoteAddr() >= s.offset()
                        && m.remoteAddr() + m.dmaLength() <= s.offset() + s.length()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
