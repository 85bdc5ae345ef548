package io.frwr.verbs.disni;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * An RC QP over DiSNI, with FAST_REG and LOCAL_INV emulated on the registration thread.
 *
 * <p>Normal operation: SEND, SEND_WITH_INV, RDMA READ and WRITE go straight to ibv_post_send, one native
 * call per WR. An emulated WR instead enters the <em>held</em> queue and is handed to the registration
 * thread; every WR posted after it is held too, in order, until the emulated ones ahead of it have
 * finished. When the head finishes, its completion is delivered (if signaled or failed), then held native
 * WRs are posted until the next emulated one, which starts in turn. Send-queue slots count native WRs not
 * yet known complete plus every held WR.
 *
 * <p>Errors: a failed completion (native or emulated), {@link #moveToError()}, {@link #disconnect()} or the
 * CM's DISCONNECTED event put the QP in ERROR. The native QP flushes what was posted to it; held WRs were
 * never posted, so they are flushed here with WR_FLUSH_ERR, in order, after the emulated WR in flight (if
 * any) has completed.
 */
final class DisniQueuePair implements QueuePair {
    private static final Logger LOG = LoggerFactory.getLogger(DisniQueuePair.class);
    /** Receive WRs get native wr_ids with the top bit set, so the poller can tell them apart on error. */
    static final long RECV_BIT = 1L << 63;

    private final Object lock = new Object();
    private final NativeQp nativeQp;
    private final DisniCompletionQueue sendCq;
    private final DisniCompletionQueue recvCq;
    private final int maxSendWr;
    private final int maxRecvWr;
    private final int maxSge;
    private final SendWrTranslation.LkeyResolver lkeys;
    private final EmulatedFastReg emulation;
    private final Executor regThread;
    private final SendQueueLedger ledger = new SendQueueLedger();
    private final ArrayDeque<SendWr> held = new ArrayDeque<>();
    private final Map<Long, Long> recvs = new HashMap<>();
    private long nextRecvSeq = 1;
    private boolean emulationRunning;
    private volatile QpState state = QpState.RTS;

    DisniQueuePair(NativeQp nativeQp, DisniCompletionQueue sendCq, DisniCompletionQueue recvCq, int maxSendWr,
                   int maxRecvWr, int maxSge, SendWrTranslation.LkeyResolver lkeys, EmulatedFastReg emulation,
                   Executor regThread) {
        this.nativeQp = nativeQp;
        this.sendCq = sendCq;
        this.recvCq = recvCq;
        this.maxSendWr = maxSendWr;
        this.maxRecvWr = maxRecvWr;
        this.maxSge = maxSge;
        this.lkeys = lkeys;
        this.emulation = emulation;
        this.regThread = regThread;
    }

    @Override
    public int qpNum() {
        return nativeQp.qpNum();
    }

    @Override
    public QpState state() {
        return state;
    }

    @Override
    public int sendQueueCapacity() {
        return maxSendWr;
    }

    @Override
    public int recvQueueCapacity() {
        return maxRecvWr;
    }

    @Override
    public CompletionQueue sendCq() {
        return sendCq;
    }

    @Override
    public CompletionQueue recvCq() {
        return recvCq;
    }

    @Override
    public void postSend(List<? extends SendWr> chain) throws PostSendException {
        synchronized (lock) {
            for (int i = 0; i < chain.size(); i++) {
                final SendWr wr = chain.get(i);
                if (state != QpState.RTS) {
                    throw new PostSendException(Errno.ENOTCONN, i, "QP 0x" + Integer.toHexString(qpNum())
                            + " is in " + state);
                }
                if (ledger.size() + held.size() >= maxSendWr) {
                    throw new PostSendException(Errno.ENOMEM, i, "send queue full: " + maxSendWr + " of "
                            + maxSendWr + " slots in use");
                }
                if (SendWrTranslation.isEmulated(wr) || !held.isEmpty()) {
                    if (!SendWrTranslation.isEmulated(wr)) {
                        validate(wr, i);
                    }
                    held.addLast(wr);
                    if (!emulationRunning) {
                        releaseHeld();
                    }
                } else {
                    postNative(wr, i);
                }
            }
        }
    }

    @Override
    public void postRecv(RecvWr wr) throws VerbsException {
        synchronized (lock) {
            if (state != QpState.RTS) {
                throw new VerbsException(Errno.ENOTCONN, "QP 0x" + Integer.toHexString(qpNum()) + " is in " + state);
            }
            if (recvs.size() >= maxRecvWr) {
                throw new VerbsException(Errno.ENOMEM, "receive queue full: " + maxRecvWr + " of " + maxRecvWr
                        + " slots in use");
            }
            final long seq = RECV_BIT | nextRecvSeq++;
            final NativeRecvWr nwr;
            try {
                nwr = new NativeRecvWr(seq, SendWrTranslation.sges(List.of(wr.buffer()), maxSge, lkeys));
            } catch (IllegalArgumentException e) {
                throw new VerbsException(Errno.EINVAL, "receive wr_id=" + wr.wrId() + ": " + e.getMessage());
            }
            recvs.put(seq, wr.wrId());
            try {
                nativeQp.postRecv(nwr);
            } catch (IOException e) {
                recvs.remove(seq);
                throw new VerbsException(Errno.ENOMEM, "ibv_post_recv failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void moveToError() {
        if (enterError("moveToError")) {
            nativeQp.disconnect();
        }
    }

    @Override
    public void disconnect() {
        moveToError();
    }

    /**
     * ib_drain_sq's trick: a signaled zero-length SEND posted to the QP in ERROR flushes after every WR
     * before it, so its flush completion tells the consumer that unsignaled WRs which never completed had
     * executed. Held WRs are flushed here in order, so the marker goes behind them.
     */
    @Override
    public void drainSendQueue(long markerWrId) {
        moveToError();
        synchronized (lock) {
            final SendWr marker = new SendWr.Send(markerWrId, true, List.of());
            if (emulationRunning) {
                held.addLast(marker); // flushed in order when the emulated head finishes
                return;
            }
            try {
                postNative(marker, 0);
            } catch (PostSendException e) {
                LOG.warn("QP 0x{}: drain marker could not be posted ({}); completing it without the native flush",
                        Integer.toHexString(qpNum()), e.getMessage());
                sendCq.deliver(WorkCompletion.of(markerWrId, Opcode.SEND, WcStatus.WR_FLUSH_ERR, qpNum()));
            }
        }
    }

    /** The CM reported DISCONNECTED or DEVICE_REMOVAL: the native QP is already in ERROR. */
    void onDisconnected() {
        enterError("CM disconnect");
    }

    /** True once in ERROR with nothing left to complete: the native QP may be destroyed. */
    boolean isDrained() {
        synchronized (lock) {
            return state == QpState.ERROR && ledger.size() == 0 && held.isEmpty() && recvs.isEmpty();
        }
    }

    /**
     * A native completion for this QP, from the CQ poller thread. An error completion is delivered before
     * the held WRs it flushes, since they were posted after it.
     */
    void onNativeCompletion(NativeCompletion nc) {
        final boolean isRecv = (nc.wrId() & RECV_BIT) != 0;
        final WorkCompletion wc;
        synchronized (lock) {
            if (isRecv) {
                final Long callerWrId = recvs.remove(nc.wrId());
                if (callerWrId == null) {
                    LOG.warn("QP 0x{}: receive completion for unknown native wr_id {}", Integer.toHexString(qpNum()),
                            nc.wrId());
                    return;
                }
                wc = CompletionTranslation.recv(nc, callerWrId);
            } else {
                final SendQueueLedger.Entry e = ledger.retireThrough(nc.wrId());
                if (e == null) {
                    LOG.warn("QP 0x{}: send completion for unknown native wr_id {}", Integer.toHexString(qpNum()),
                            nc.wrId());
                    return;
                }
                wc = CompletionTranslation.send(nc, e.wrId(), e.opcode());
                if (!e.signaled() && wc.status().isSuccess()) {
                    return;
                }
            }
            (isRecv ? recvCq : sendCq).deliver(wc);
            if (!wc.status().isSuccess()) {
                enterError("error completion " + wc.status());
            }
        }
        if (!wc.status().isSuccess() && wc.status() != WcStatus.WR_FLUSH_ERR) {
            LOG.warn("QP 0x{}: {} wr_id={} completed with {} (vendor_err 0x{})", Integer.toHexString(qpNum()),
                    wc.opcode(), wc.wrId(), wc.status(), Integer.toHexString(nc.vendorErr()));
        }
    }

    /** Returns true if this call moved the QP to ERROR. */
    private boolean enterError(String why) {
        synchronized (lock) {
            if (state == QpState.ERROR) {
                return false;
            }
            LOG.debug("QP 0x{} to ERROR: {}", Integer.toHexString(qpNum()), why);
            state = QpState.ERROR;
            if (!emulationRunning) {
                flushHeld();
            }
            return true;
        }
    }

    private void validate(SendWr wr, int index) throws PostSendException {
        try {
            SendWrTranslation.toNative(wr, 0, maxSge, lkeys);
        } catch (IllegalArgumentException e) {
            throw new PostSendException(Errno.EINVAL, index, e.getMessage());
        }
    }

    private void postNative(SendWr wr, int index) throws PostSendException {
        final long seq = ledger.add(wr.wrId(), wr.opcode(), wr.signaled());
        try {
            nativeQp.postSend(SendWrTranslation.toNative(wr, seq, maxSge, lkeys));
        } catch (IllegalArgumentException e) {
            ledger.removeLast();
            throw new PostSendException(Errno.EINVAL, index, e.getMessage());
        } catch (IOException e) {
            ledger.removeLast();
            throw new PostSendException(Errno.ENOMEM, index, "ibv_post_send failed: " + e.getMessage());
        }
    }

    /** Hand an emulated head to the registration thread. Under the lock. */
    private void startHeadIfIdle() {
        if (emulationRunning || held.isEmpty() || !SendWrTranslation.isEmulated(held.peekFirst())) {
            return;
        }
        final SendWr head = held.peekFirst();
        emulationRunning = true;
        regThread.execute(() -> finishEmulated(head, emulation.execute(head)));
    }

    /** On the registration thread, after the native call: complete the head, then release what it held. */
    private void finishEmulated(SendWr wr, WcStatus executed) {
        boolean disconnect = false;
        synchronized (lock) {
            held.pollFirst();
            emulationRunning = false;
            final WcStatus status = state == QpState.ERROR ? WcStatus.WR_FLUSH_ERR : executed;
            if (wr.signaled() || !status.isSuccess()) {
                sendCq.deliver(WorkCompletion.of(wr.wrId(), wr.opcode(), status, qpNum()));
            }
            if (!status.isSuccess() && state == QpState.RTS) {
                // a failed WR takes the QP to ERROR, as hardware does; the native QP must flush its WRs too
                LOG.debug("QP 0x{} to ERROR: {} failed with {}", Integer.toHexString(qpNum()), wr.opcode(), status);
                state = QpState.ERROR;
                disconnect = true;
            }
            if (state == QpState.ERROR) {
                flushHeld();
            } else {
                releaseHeld();
            }
        }
        if (disconnect) {
            nativeQp.disconnect();
        }
    }

    /** Post held native WRs until the next emulated one, then start it. Under the lock. */
    private void releaseHeld() {
        while (!held.isEmpty() && !SendWrTranslation.isEmulated(held.peekFirst())) {
            final SendWr wr = held.pollFirst();
            try {
                postNative(wr, 0);
            } catch (PostSendException e) {
                LOG.warn("QP 0x{}: held {} wr_id={} could not be posted: {}", Integer.toHexString(qpNum()),
                        wr.opcode(), wr.wrId(), e.getMessage());
                sendCq.deliver(WorkCompletion.of(wr.wrId(), wr.opcode(), WcStatus.LOC_QP_OP_ERR, qpNum()));
                state = QpState.ERROR;
                flushHeld();
                nativeQp.disconnect();
                return;
            }
        }
        startHeadIfIdle();
    }

    /** Every held WR completes with WR_FLUSH_ERR, in posting order. Under the lock, no emulation running. */
    private void flushHeld() {
        SendWr wr;
        while ((wr = held.pollFirst()) != null) {
            sendCq.deliver(WorkCompletion.of(wr.wrId(), wr.opcode(), WcStatus.WR_FLUSH_ERR, qpNum()));
        }
    }

    @Override
    public String toString() {
        return "DisniQueuePair[qpn=0x" + Integer.toHexString(qpNum()) + ", " + state + "]";
    }
}
