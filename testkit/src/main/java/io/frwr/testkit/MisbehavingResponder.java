package io.frwr.testkit;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RKey;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimDevice;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 8166 responder on raw verbs that answers the RpcRdmaClient's calls badly on purpose, as chosen by
 * {@link #misbehave} (one {@link Misbehavior} for every call) or {@link #answer} (a hook that picks an
 * {@link Answer} per call). It runs on the test thread: the kit calls {@link #pump()} after every fabric step, so
 * it polls and posts only at the points the stepped fabric allows, and a scenario replays exactly.
 *
 * <p>Every WR it posts is remembered with a label, and its completion is kept ({@link #completions()}), so
 * a test can assert that an access was refused (REM_ACCESS_ERR) rather than infer it.
 */
public final class MisbehavingResponder implements AutoCloseable {
    /** What this responder posted and how it completed. */
    public record Outcome(String label, SendWr wr, WcStatus status) { }

    private static final int CREDITS = 32;
    private static final int SLOT = 4096;
    private static final int SEND_SLOTS = 64;
    private static final int EXCESS = 100_000;
    /** The byte every RDMA WRITE of this responder carries, so a test can spot it in caller memory. */
    public static final byte PATTERN = (byte) 0xEE;

    private final SimDevice device;
    private final ProtectionDomain pd;
    private final ConnectionManager.Listener listener;
    private final DmaBuffer recvMemory;
    private final DmaBuffer sendMemory;
    private final DmaBuffer dataMemory;
    private final Map<Long, Outcome> posted = new HashMap<>();
    private final List<Outcome> completions = new ArrayList<>();
    private final List<WorkCompletion> polled = new ArrayList<>();
    private volatile Misbehavior misbehavior = Misbehavior.NONE;
    private volatile java.util.function.Function<ReceivedCall, Answer> answer = call -> Answer.correctly();
    private QueuePair qp;
    private CompletionQueue sendCq;
    private CompletionQueue recvCq;
    private long nextWrId = 1 << 20;
    private int nextSendSlot;
    private int calls;
    private RpcRdmaHeader previousCall;
    private RpcRdmaHeader lastCall;

    MisbehavingResponder(SimDevice device, String address) throws VerbsException {
        this.device = device;
        this.pd = device.allocPd();
        this.recvMemory = device.mapBuffer(ByteBuffer.allocateDirect(CREDITS * SLOT));
        this.sendMemory = device.mapBuffer(ByteBuffer.allocateDirect(SEND_SLOTS * SLOT));
        this.dataMemory = device.mapBuffer(ByteBuffer.allocateDirect(1 << 20));
        final ByteBuffer d = dataMemory.buffer();
        for (int i = 0; i < d.capacity(); i++) {
            d.put(i, PATTERN);
        }
        this.listener = device.connectionManager().listen(address, req -> {
            try {
                final CompletionQueue scq = device.createCq(1024);
                final CompletionQueue rcq = device.createCq(CREDITS);
                final byte[] ours = CmPrivateMessage.of(false, SLOT, SLOT).encode();
                req.accept(new ConnectParams(pd, scq, rcq, 256, CREDITS, ours, Duration.ofSeconds(5)), ev -> {
                    if (ev instanceof CmEvent.Established e) {
                        onEstablished(e.qp(), scq, rcq);
                    }
                });
            } catch (VerbsException e) {
                req.reject(new byte[0]);
            }
        });
    }

    /** From the next call on, answer this way. */
    public void misbehave(Misbehavior m) {
        this.misbehavior = java.util.Objects.requireNonNull(m, "m");
        this.answer = call -> Answer.serve(m);
    }

    /**
     * From the next call on, ask {@code hook} what to do with each call: the extension point for behaviours
     * the {@link Misbehavior} values do not cover (a SEND_WITH_INV of a chosen rkey, a huge write chunk
     * count, silence, or a different answer per call). It runs on the test thread, between fabric steps.
     */
    public void answer(java.util.function.Function<ReceivedCall, Answer> hook) {
        this.answer = java.util.Objects.requireNonNull(hook, "hook");
    }

    /** The last {@link Misbehavior} given to {@link #misbehave} (a hook set by {@link #answer} is not one). */
    public Misbehavior misbehavior() {
        return misbehavior;
    }

    /** Calls received so far (every transmission counts). */
    public synchronized int calls() {
        return calls;
    }

    /** Every WR this responder posted that has completed, in completion order. */
    public synchronized List<Outcome> completions() {
        return List.copyOf(completions);
    }

    /** Completions with {@code status} whose label starts with {@code labelPrefix}. */
    public synchronized long count(String labelPrefix, WcStatus status) {
        return completions.stream().filter(o -> o.label().startsWith(labelPrefix) && o.status() == status).count();
    }

    /**
     * RDMA WRITE the pattern into the last call's write chunk again, with the handle the call offered: what a
     * responder does that replays a reply after the requester released the call. Returns false if the last
     * call offered no write chunk or there is no connection.
     */
    public synchronized boolean writeAgain() {
        if (lastCall == null || lastCall.writeList().isEmpty() || qp == null || qp.state() != QpState.RTS) {
            return false;
        }
        final RdmaSegment s = lastCall.writeList().get(0).segments().get(0);
        post(List.of(write("late WRITE", s.handle(), s.offset(), s.length())));
        return true;
    }

    private synchronized void onEstablished(QueuePair newQp, CompletionQueue scq, CompletionQueue rcq) {
        this.qp = newQp;
        this.sendCq = scq;
        this.recvCq = rcq;
        for (int slot = 0; slot < CREDITS; slot++) {
            try {
                newQp.postRecv(new RecvWr(slot, recvMemory.segment(slot * SLOT, SLOT)));
            } catch (VerbsException e) {
                return; // the QP broke already; the requester reconnects
            }
        }
    }

    /** Poll both CQs and answer what arrived; the kit calls this between fabric steps. */
    synchronized void pump() {
        if (qp == null) {
            return;
        }
        polled.clear();
        sendCq.poll(polled, 1024);
        for (WorkCompletion wc : polled) {
            final Outcome o = posted.remove(wc.wrId());
            if (o != null) {
                completions.add(new Outcome(o.label(), o.wr(), wc.status()));
            }
        }
        polled.clear();
        recvCq.poll(polled, CREDITS);
        for (WorkCompletion wc : polled) {
            if (wc.status() != WcStatus.SUCCESS) {
                continue;
            }
            final int slot = (int) wc.wrId();
            final byte[] message = new byte[wc.byteLen()];
            recvMemory.buffer().get(slot * SLOT, message);
            try {
                qp.postRecv(new RecvWr(slot, recvMemory.segment(slot * SLOT, SLOT)));
            } catch (VerbsException e) {
                // QP in ERROR: the call is answered anyway, its WRs flush.
            }
            onCall(message);
        }
    }

    private void onCall(byte[] message) {
        final ByteBuffer in = ByteBuffer.wrap(message);
        final RpcRdmaHeader call;
        try {
            call = RpcRdmaCodec.decode(in, DecodeLimits.DEFAULT);
        } catch (RpcRdmaDecodeException e) {
            return;
        }
        final Answer a = answer.apply(new ReceivedCall(calls, call));
        calls++;
        previousCall = lastCall;
        lastCall = call;
        if (!a.reply()) {
            return;
        }
        final Misbehavior m = a.serve();
        final List<SendWr> chain = new ArrayList<>();
        pullReadChunks(call, m, chain);
        final List<WriteChunk> echo = new ArrayList<>(pushWriteChunks(call, m, chain));
        for (int i = 1; i < a.writeChunkCopies() && !echo.isEmpty(); i++) {
            echo.add(echo.get(0));
        }
        final int credits = switch (m) {
            case ZERO_CREDITS -> 0;
            case EXCESS_CREDITS -> EXCESS;
            default -> CREDITS;
        };
        final int xid = m == Misbehavior.UNKNOWN_XID ? call.xid() ^ 0x5A5A_5A5A : call.xid();
        final byte[] transportHeader;
        if (m == Misbehavior.EMPTY_CHUNK_IN_REPLY) {
            transportHeader = emptyWriteChunkHeader(xid, credits);
        } else {
            transportHeader = RpcRdmaCodec.encode(RpcRdmaHeader.msg(xid, credits, List.of(), echo, null));
        }
        final byte[] rpc = RpcReplyHeader.accepted(xid, ReplyStatus.SUCCESS).encode();
        final int slot = nextSendSlot++ % SEND_SLOTS;
        final ByteBuffer out = sendMemory.buffer();
        out.put(slot * SLOT, transportHeader);
        out.put(slot * SLOT + transportHeader.length, rpc);
        final Segment reply = sendMemory.segment(slot * SLOT, transportHeader.length + rpc.length);
        if (a.invalidate().isPresent()) {
            final int rkey = a.invalidate().getAsInt();
            chain.add(label("reply SEND_WITH_INV rkey=" + RKey.format(rkey),
                    new SendWr.SendWithInv(nextWrId++, true, List.of(reply), rkey)));
        } else {
            chain.add(label("reply SEND", new SendWr.Send(nextWrId++, true, List.of(reply))));
        }
        if (m == Misbehavior.WRITE_AFTER_REPLY && !call.writeList().isEmpty()) {
            final RdmaSegment s = call.writeList().get(0).segments().get(0);
            chain.add(write("WRITE after reply", s.handle(), s.offset(), s.length()));
        }
        post(chain);
    }

    /** RDMA READ each read segment (with the misbehavior's rkey), as a responder pulls call arguments. */
    private void pullReadChunks(RpcRdmaHeader call, Misbehavior m, List<SendWr> chain) {
        int at = 0;
        for (int i = 0; i < call.readList().size(); i++) {
            final ReadSegment r = call.readList().get(i);
            final RdmaSegment s = r.segment();
            final int len = Math.min(s.length(), dataMemory.length() - at);
            final int rkey = badRkey(m, s.handle(), previousCall == null || previousCall.readList().isEmpty()
                    ? -1 : previousCall.readList().get(0).segment().handle());
            chain.add(label("READ", new SendWr.RdmaRead(nextWrId++, true, List.of(dataMemory.segment(at, len)),
                    s.offset(), rkey)));
            at += len;
        }
    }

    /** RDMA WRITE the pattern into each write chunk; returns the write list echo for the reply. */
    private List<WriteChunk> pushWriteChunks(RpcRdmaHeader call, Misbehavior m, List<SendWr> chain) {
        final List<WriteChunk> echo = new ArrayList<>();
        for (WriteChunk w : call.writeList()) {
            final List<RdmaSegment> written = new ArrayList<>();
            for (int i = 0; i < w.segments().size(); i++) {
                final RdmaSegment s = w.segments().get(i);
                final int previous = previousCall == null || previousCall.writeList().isEmpty() ? -1
                        : previousCall.writeList().get(0).segments().get(0).handle();
                final int rkey = badRkey(m, s.handle(), previous);
                final int len = m == Misbehavior.BEYOND_SEGMENT ? s.length() + 1 : s.length();
                chain.add(write("WRITE", rkey, s.offset(), len));
                final int claimed = m == Misbehavior.OVERSIZE_CHUNK_IN_REPLY ? s.length() + 4096 : s.length();
                written.add(new RdmaSegment(s.handle(), claimed, s.offset()));
            }
            echo.add(new WriteChunk(written));
        }
        return echo;
    }

    private static int badRkey(Misbehavior m, int rkey, int previousCallRkey) {
        return switch (m) {
            case OLD_KEY_BYTE -> RKey.withKeyByte(rkey, RKey.keyByte(rkey) - 1);
            case INVALIDATED_RKEY -> previousCallRkey == -1 ? rkey : previousCallRkey;
            default -> rkey;
        };
    }

    private SendWr write(String what, int rkey, long remoteAddr, int length) {
        final int len = Math.min(length, dataMemory.length());
        return label(what + " rkey=" + RKey.format(rkey), new SendWr.RdmaWrite(nextWrId++, true,
                List.of(dataMemory.segment(0, len)), remoteAddr, rkey));
    }

    private SendWr label(String what, SendWr wr) {
        posted.put(wr.wrId(), new Outcome(what, wr, null));
        return wr;
    }

    private void post(List<SendWr> chain) {
        try {
            qp.postSend(chain);
        } catch (VerbsException e) {
            for (SendWr wr : chain) {
                final Outcome o = posted.remove(wr.wrId());
                completions.add(new Outcome(o.label() + " (not posted: " + e.getMessage() + ")", wr,
                        WcStatus.GENERAL_ERR));
            }
        }
    }

    /** RDMA_MSG with one write chunk of zero segments: the codec refuses to build one, so it is written here. */
    private static byte[] emptyWriteChunkHeader(int xid, int credits) {
        final ByteBuffer b = ByteBuffer.allocate(40);
        b.putInt(xid).putInt(RpcRdmaHeader.VERSION).putInt(credits).putInt(0);
        b.putInt(0); // no read list
        b.putInt(1).putInt(0); // a write chunk with 0 segments
        b.putInt(0); // end of write list
        b.putInt(0); // no reply chunk
        final byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Override
    public void close() {
        listener.close();
    }
}
