package io.frwr.testkit;

import io.frwr.rpc.nfs.Nfs3;
import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.PageList;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.WireMessage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 8166 requester on raw verbs that calls a responder badly on purpose, as the hostile peers of issue 11
 * would: truncated headers, wrong versions, chunk lists that lie, rkeys it never registered or invalidates
 * mid-call, credits ignored, a disconnect while the responder is reading. It is the counterpart of
 * {@link MisbehavingResponder}: a responder under test must answer or drop each as the RFC says, count it,
 * stay up and keep serving well-behaved requesters on other connections.
 *
 * <p>It runs on the test thread of a STEPPED fabric: it posts when told to and collects completions in
 * {@link #pump()}, which the test calls after each step, so a scenario replays exactly from its seed. It can
 * also behave (see {@link #call}), which makes a second instance the well-behaved requester of a test.
 */
public final class MisbehavingRequester implements AutoCloseable {
    /** Something a hostile or broken requester does; {@link #misbehave} sends one call that way. */
    public enum Hostility {
        /** A 3-byte message: too short for an xid, so nothing can be answered (dropped). */
        RUNT_MESSAGE,
        /** The header stops inside rdma_vers: ERR_CHUNK naming the xid. */
        TRUNCATED_HEADER,
        /** rdma_vers 2: ERR_VERS stating version 1..1. */
        WRONG_VERSION,
        /** A write chunk of zero segments (RFC 8166 forbids it): ERR_CHUNK. */
        ZERO_SEGMENT_CHUNK,
        /** A write chunk claiming 2^31-1 segments: ERR_CHUNK before anything is sized by the count. */
        HUGE_SEGMENT_COUNT,
        /** A read chunk positioned past the end of the message: ERR_CHUNK. */
        POSITION_BEYOND_MESSAGE,
        /** 16 read segments of 16 MiB each: ERR_CHUNK before any RDMA READ, nothing of that size allocated. */
        OVERSIZED_READ_LIST,
        /** Two read segments over the same registered bytes: legal, read twice within the registration. */
        OVERLAPPING_SEGMENTS,
        /** A read segment one page longer than its registration: the READ fails, the responder drops the QP. */
        LENGTH_BEYOND_REGISTRATION,
        /** A read segment under an rkey never registered: the READ fails, the responder drops the QP. */
        UNREGISTERED_RKEY,
        /** The call's chunk is invalidated (LOCAL_INV) right behind the SEND: the READ finds it dead. */
        INVALIDATE_MID_CALL
    }

    /**
     * A message the responder sent us.
     *
     * @param header null if the transport header did not decode (then {@code rpc} is the whole message)
     * @param rpc    the bytes after the transport header: the RPC reply of an RDMA_MSG
     */
    public record Reply(RpcRdmaHeader header, byte[] rpc, WorkCompletion completion) {
        /** {@return the reply's xid, or 0 when its header did not decode} */
        public int xid() {
            return header == null ? 0 : header.xid();
        }
    }

    /** A registered range of this requester's memory: what a chunk segment names. */
    public record Chunk(int rkey, long iova, int length) {
        public RdmaSegment segment() {
            return new RdmaSegment(rkey, length, iova);
        }
    }

    /** Replies fit this: the responders under test offer at most this much inline. */
    public static final int SLOT = 8192;
    /** Receive buffers posted at connect (and the depth of their CQ). */
    public static final int RECEIVES = 128;
    /** Bytes of data memory the requester maps for the chunks it advertises. */
    public static final int DATA_BYTES = 1 << 20;
    /** The byte every registered range holds, so a test can recognise pulled data. */
    public static final byte PATTERN = 0x5A;
    private static final int SEND_SLOTS = 128;
    private static final int SIXTEEN_MIB = 16 << 20;

    private final SimDevice device;
    private final ProtectionDomain pd;
    private final CompletionQueue sendCq;
    private final CompletionQueue recvCq;
    private final DmaBuffer recvMemory;
    private final DmaBuffer sendMemory;
    private final DmaBuffer dataMemory;
    private final List<Reply> replies = new ArrayList<>();
    private final List<WorkCompletion> sendCompletions = new ArrayList<>();
    private final List<WireMessage> remoteAccesses = new ArrayList<>();
    private final List<WorkCompletion> polled = new ArrayList<>();
    private final List<FastRegMr> mrs = new ArrayList<>();
    private QueuePair qp;
    private boolean established;
    private boolean disconnected;
    private boolean disconnectOnRead;
    private int nextXid;
    private int nextSendSlot;
    private int nextDataOffset;
    private int nextKey = 1;
    private long nextWrId = 1;

    /**
     * Starts connecting to {@code serverAddress} from {@code device}; step the fabric until {@link #isConnected()}.
     *
     * @param firstXid xids are {@code firstXid}, {@code firstXid + 1}, ... so two requesters never share one
     */
    public MisbehavingRequester(SimDevice device, String serverAddress, int firstXid) throws VerbsException {
        this.device = device;
        this.nextXid = firstXid;
        this.pd = device.allocPd();
        this.sendCq = device.createCq(4 * SEND_SLOTS);
        this.recvCq = device.createCq(RECEIVES);
        this.recvMemory = device.mapBuffer(ByteBuffer.allocateDirect(RECEIVES * SLOT));
        this.sendMemory = device.mapBuffer(ByteBuffer.allocateDirect(SEND_SLOTS * SLOT));
        this.dataMemory = device.mapBuffer(ByteBuffer.allocateDirect(DATA_BYTES));
        for (int i = 0; i < DATA_BYTES; i++) {
            dataMemory.buffer().put(i, PATTERN);
        }
        final byte[] ours = CmPrivateMessage.of(false, SLOT, SLOT).encode();
        device.connectionManager().connect(serverAddress, new ConnectParams(pd, sendCq, recvCq, 4 * SEND_SLOTS,
                RECEIVES, ours, Duration.ofSeconds(5)), this::onCmEvent);
    }

    private void onCmEvent(CmEvent ev) {
        if (ev instanceof CmEvent.Established e) {
            qp = e.qp();
            established = true;
            try {
                for (int i = 0; i < RECEIVES; i++) {
                    qp.postRecv(new RecvWr(i, recvMemory.segment(i * SLOT, SLOT)));
                }
            } catch (VerbsException ex) {
                throw new IllegalStateException("receives not posted: " + ex.getMessage(), ex);
            }
        } else if (ev instanceof CmEvent.Disconnected) {
            disconnected = true;
        } else {
            disconnected = true; // rejected or failed: never connected
        }
    }

    /** {@return whether the connection is established and has not ended} */
    public boolean isConnected() {
        return established && !disconnected;
    }

    /** The connection ended (we or the responder disconnected, or the QP broke). */
    public boolean isDisconnected() {
        return disconnected;
    }

    /** Collect completions: replies (receives re-posted), send-side outcomes. Call after every fabric step. */
    public void pump() {
        if (qp == null) {
            return;
        }
        if (disconnectOnRead && !remoteAccesses.isEmpty()) {
            disconnectOnRead = false;
            qp.disconnect();
        }
        polled.clear();
        recvCq.poll(polled, RECEIVES);
        for (WorkCompletion wc : polled) {
            if (wc.status() != WcStatus.SUCCESS) {
                continue;
            }
            final int slot = (int) wc.wrId();
            final byte[] bytes = new byte[wc.byteLen()];
            recvMemory.buffer().get(slot * SLOT, bytes);
            final ByteBuffer in = ByteBuffer.wrap(bytes);
            RpcRdmaHeader h;
            try {
                h = RpcRdmaCodec.decode(in, DecodeLimits.DEFAULT);
            } catch (RpcRdmaDecodeException e) {
                h = null;
                in.position(0);
            }
            final byte[] rest = new byte[in.remaining()];
            in.get(rest);
            replies.add(new Reply(h, rest, wc));
            try {
                qp.postRecv(new RecvWr(slot, recvMemory.segment(slot * SLOT, SLOT)));
            } catch (VerbsException e) {
                // the QP broke: Disconnected follows
            }
        }
        polled.clear();
        sendCq.poll(polled, 4 * SEND_SLOTS);
        sendCompletions.addAll(polled);
    }

    /**
     * Give this to the fabric's wire tap (it forwards every message): reads of our memory are remembered for
     * {@link #remoteAccesses()} and for the disconnect of {@link #disconnectDuringRead}. Never posts.
     */
    public void onWire(WireMessage m) {
        if ((m.kind() == WireMessage.Kind.RDMA_READ_REQUEST || m.kind() == WireMessage.Kind.RDMA_WRITE)
                && m.dstEndpoint() == device.endpointId()) {
            remoteAccesses.add(m);
        }
    }

    /** {@return every reply received so far, in arrival order} */
    public List<Reply> replies() {
        return List.copyOf(replies);
    }

    /** The reply carrying {@code xid}, or null. */
    public Reply replyTo(int xid) {
        for (Reply r : replies) {
            if (r.header() != null && r.header().xid() == xid) {
                return r;
            }
        }
        return null;
    }

    /** Completions of what we posted (FAST_REG, LOCAL_INV, SEND), in completion order. */
    public List<WorkCompletion> sendCompletions() {
        return List.copyOf(sendCompletions);
    }

    /**
     * RDMA READ requests and RDMA WRITEs the responder made of our memory, as the wire saw them (needs
     * {@link #onWire}).
     */
    public List<WireMessage> remoteAccesses() {
        return List.copyOf(remoteAccesses);
    }

    // ---- well-behaved ----------------------------------------------------------------------------------

    /** An inline RDMA_MSG call of {@code rpcMessage} (whose xid must be {@code xid}), granting 1 credit asked. */
    public void call(int xid, byte[] rpcMessage) throws VerbsException {
        send(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 1, List.of(), List.of(), null)), rpcMessage));
    }

    /** A fresh xid for a call built by the test. */
    public int nextXid() {
        return nextXid++;
    }

    /** The ONC RPC call of NFSv3 NULL with {@code args} appended (NULL ignores them). */
    public static byte[] nfsNull(int xid, byte[] args) {
        return concat(new RpcCallHeader(xid, Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_NULL, OpaqueAuth.NONE,
                OpaqueAuth.NONE).encode(), args);
    }

    /** {@code calls} NFS NULL calls back to back, whatever credits were granted; returns their xids. */
    public List<Integer> ignoreCredits(int calls) throws VerbsException {
        final List<Integer> xids = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            final int xid = nextXid();
            call(xid, nfsNull(xid, new byte[0]));
            xids.add(xid);
        }
        return xids;
    }

    // ---- raw verbs -------------------------------------------------------------------------------------

    /** SEND these bytes as one message (at most {@value #SLOT}). */
    public void send(byte[] message) throws VerbsException {
        if (message.length > SLOT) {
            throw new IllegalArgumentException("a message is at most " + SLOT + " bytes, was " + message.length);
        }
        final int slot = nextSendSlot++ % SEND_SLOTS;
        sendMemory.buffer().put(slot * SLOT, message);
        qp.postSend(List.of(new SendWr.Send(nextWrId++, true, List.of(sendMemory.segment(slot * SLOT,
                message.length)))));
    }

    /** FAST_REG the next {@code length} bytes of our memory (page-aligned) for remote {@code access}. */
    public Chunk register(int length, int access) throws VerbsException {
        final int pageSize = device.attributes().pageSize();
        final int rounded = (length + pageSize - 1) / pageSize * pageSize;
        if (rounded > DATA_BYTES) {
            throw new IllegalArgumentException("at most " + DATA_BYTES + " bytes can be registered, asked " + length);
        }
        if (nextDataOffset + rounded > DATA_BYTES) {
            nextDataOffset = 0; // reuse from the start: ranges may then be registered twice, which is legal
        }
        final FastRegMr mr = pd.allocFastRegMr(rounded / pageSize);
        mrs.add(mr);
        mr.updateKey(nextKey++ & 0xFF);
        final PageList pages = PageList.of(pageSize, false, new long[] {dataMemory.address() + nextDataOffset},
                new int[] {length});
        nextDataOffset += rounded;
        qp.postSend(List.of(new SendWr.FastReg(nextWrId++, true, mr, pages, mr.rkey(),
                access | Access.LOCAL_WRITE)));
        return new Chunk(mr.rkey(), pages.iova(), length);
    }

    /** LOCAL_INV {@code rkey}: from its completion on, no peer can reach that memory. */
    public void invalidate(int rkey) throws VerbsException {
        qp.postSend(List.of(new SendWr.LocalInv(nextWrId++, true, rkey)));
    }

    /** Disconnect, as a requester that goes away mid-call would. */
    public void disconnect() {
        if (qp != null) {
            qp.disconnect();
        }
    }

    /**
     * Send an NFS NULL call whose argument is in a read chunk of two segments over {@code bytes} registered
     * bytes, and disconnect as soon as the wire shows the responder's first READ of it (needs {@link #onWire}).
     */
    public int disconnectDuringRead(int bytes) throws VerbsException {
        final Chunk c = register(bytes, Access.REMOTE_READ);
        final int xid = nextXid();
        final byte[] rpc = nfsNull(xid, new byte[0]);
        final int half = bytes / 2;
        send(concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 1, List.of(
                new ReadSegment(rpc.length, new RdmaSegment(c.rkey(), half, c.iova())),
                new ReadSegment(rpc.length, new RdmaSegment(c.rkey(), bytes - half, c.iova() + half))),
                List.of(), null)), rpc));
        disconnectOnRead = true;
        return xid;
    }

    // ---- misbehaving -----------------------------------------------------------------------------------

    /** Send one call that misbehaves as {@code h} says; returns its xid. */
    public int misbehave(Hostility h) throws VerbsException {
        final int xid = nextXid();
        final byte[] rpc = nfsNull(xid, new byte[0]);
        switch (h) {
            case RUNT_MESSAGE -> send(new byte[] {1, 2, 3});
            case TRUNCATED_HEADER -> send(ByteBuffer.allocate(6).putInt(xid).putShort((short) 0).array());
            case WRONG_VERSION -> {
                final byte[] m = concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 1, List.of(), List.of(), null)),
                        rpc);
                ByteBuffer.wrap(m).putInt(4, 2);
                send(m);
            }
            case ZERO_SEGMENT_CHUNK -> send(concat(rawHeader(xid, 0, 1, 0, 0, 0), rpc));
            case HUGE_SEGMENT_COUNT -> send(concat(rawHeader(xid, 0, 1, Integer.MAX_VALUE, 0, 0), rpc));
            case POSITION_BEYOND_MESSAGE -> {
                final Chunk c = register(4096, Access.REMOTE_READ);
                send(readChunkCall(xid, rpc, List.of(new ReadSegment(rpc.length + 4096, c.segment()))));
            }
            case OVERSIZED_READ_LIST -> {
                final Chunk c = register(4096, Access.REMOTE_READ);
                final List<ReadSegment> reads = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    reads.add(new ReadSegment(rpc.length, new RdmaSegment(c.rkey(), SIXTEEN_MIB, c.iova())));
                }
                send(readChunkCall(xid, rpc, reads));
            }
            case OVERLAPPING_SEGMENTS -> {
                final Chunk c = register(8192, Access.REMOTE_READ);
                send(readChunkCall(xid, rpc, List.of(
                        new ReadSegment(rpc.length, new RdmaSegment(c.rkey(), 8192, c.iova())),
                        new ReadSegment(rpc.length, new RdmaSegment(c.rkey(), 4096, c.iova() + 2048)))));
            }
            case LENGTH_BEYOND_REGISTRATION -> {
                final Chunk c = register(4096, Access.REMOTE_READ);
                send(readChunkCall(xid, rpc, List.of(new ReadSegment(rpc.length,
                        new RdmaSegment(c.rkey(), 8192, c.iova())))));
            }
            case UNREGISTERED_RKEY -> send(readChunkCall(xid, rpc, List.of(new ReadSegment(rpc.length,
                    new RdmaSegment(0x00ABCD00 | (nextKey & 0xFF), 4096, dataMemory.address())))));
            case INVALIDATE_MID_CALL -> {
                final Chunk c = register(4096, Access.REMOTE_READ);
                send(readChunkCall(xid, rpc, List.of(new ReadSegment(rpc.length, c.segment()))));
                invalidate(c.rkey()); // behind the SEND on our send queue: done before the responder can READ
            }
            default -> throw new IllegalArgumentException("unknown hostility " + h);
        }
        return xid;
    }

    private static byte[] readChunkCall(int xid, byte[] rpc, List<ReadSegment> reads) {
        return concat(RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, 1, reads, List.of(), null)), rpc);
    }

    /**
     * A header written word by word, for lies the codec cannot encode: an empty read list, one write chunk
     * claiming {@code segmentCount} segments of which {@code segmentsPresent} follow, no reply chunk.
     */
    private static byte[] rawHeader(int xid, int readEntries, int writeChunks, int segmentCount,
                                    int segmentsPresent, int replyChunk) {
        final ByteBuffer b = ByteBuffer.allocate(64 + 16 * segmentsPresent);
        b.putInt(xid).putInt(RpcRdmaHeader.VERSION).putInt(1).putInt(0);
        b.putInt(readEntries);
        b.putInt(writeChunks).putInt(segmentCount);
        for (int i = 0; i < segmentsPresent; i++) {
            b.putInt(0x100).putInt(4096).putLong(0);
        }
        b.putInt(0).putInt(replyChunk);
        final byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Disconnect and release the memory; MRs are deregistered. */
    @Override
    public void close() {
        disconnect();
        for (FastRegMr mr : mrs) {
            try {
                pd.deregMr(mr);
            } catch (VerbsException e) {
                // the fabric may be closed already; nothing else holds these
            }
        }
        device.unmapBuffer(recvMemory);
        device.unmapBuffer(sendMemory);
        device.unmapBuffer(dataMemory);
    }
}
