package io.frwr.verbs.sim;

import io.frwr.verbs.Access;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PageList;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RKey;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A reliable-connected QP of the simulated fabric.
 *
 * <h2>Send-queue accounting: why "signal every Nth WR" is necessary</h2>
 * A WR occupies one of {@link #sendQueueCapacity()} send-queue slots from the moment it is posted until its
 * completion is <em>generated</em>, whatever its opcode: FAST_REG and LOCAL_INV count like SEND, READ and
 * WRITE. A successful <em>unsignaled</em> WR generates no completion, so its slot is not freed when it
 * executes: it is freed when a later <em>signaled</em> WR of the same QP completes (or an error completion is
 * generated), exactly as an HCA frees send-queue entries only up to the WQE whose completion it reports.
 * Posting while {@code sendQueueCapacity()} WRs are outstanding fails with ENOMEM, {@code failedIndex} being
 * the first WR that did not fit (the WRs before it were posted). A consumer that posts only unsignaled WRs
 * therefore runs out of slots after {@code sendQueueCapacity()} WRs although every one of them executed; it
 * must signal at least every Nth WR (N &lt;= capacity) and count a slot as free only when a signaled
 * completion at or after it has been polled.
 *
 * <h2>Other rules</h2>
 * <ul>
 *   <li>The send queue executes in posting order (a FAST_REG posted after a LOCAL_INV of the same MR executes
 *   after it).</li>
 *   <li>Only signaled WRs produce SUCCESS completions; an error always completes and moves the QP to ERROR;
 *   then every outstanding WR (send queue, then receive queue, each in posting order) completes with
 *   WR_FLUSH_ERR, and postSend/postRecv fail with ENOTCONN (postSend at failedIndex 0).</li>
 *   <li>Any QP error moves the peer QP to ERROR too (flushing its outstanding WRs) and gives Disconnected at
 *   both ends. Disconnected is delivered only after every flush completion of both QPs has been generated:
 *   a WR that still has no completion when Disconnected arrives executed successfully, unsignaled. (Real
 *   verbs let ib_drain_qp post a marker WR to the ERROR QP to learn this; here posting after ERROR is
 *   ENOTCONN; {@link #drainSendQueue} completes such a marker, and Disconnected comes after it.)</li>
 *   <li>LOCAL_INV needs an existing MR of this endpoint, in this QP's PD, whose installed key byte matches the
 *   WR's rkey; invalidating an MR that is already invalid succeeds (recovery may invalidate twice).
 *   SEND_WITH_INV is stricter: the target MR must be valid (else REM_ACCESS_ERR).</li>
 *   <li>rnr_retry = 0: a SEND that finds no posted RECV at the peer completes RNR_RETRY_EXC_ERR at once
 *   (never a silent drop, never a wait for a RECV).</li>
 *   <li>{@link #drainSendQueue} completes a marker after every flush of the send queue: the consumer's
 *   signal that WRs which never completed had executed (unsignaled).</li>
 *   <li>postRecv is accepted from INIT on; postSend only in RTS.</li>
 * </ul>
 */
public final class SimQueuePair extends SimLane implements QueuePair {
    /** A posted send WR waiting for its due time. */
    private record PendingWr(SendWr wr, long due) {
    }

    private final SimFabric fabric;
    final SimDevice device;
    final SimProtectionDomain pd;
    final SimCompletionQueue sendCq;
    final SimCompletionQueue recvCq;
    private final int qpNum;
    private final int sqCapacity;
    private final int rqCapacity;
    final SimConnection connection;

    private volatile QpState state = QpState.RESET;
    private final List<QpState> history = new ArrayList<>(5);

    // Guarded by the fabric lock.
    SimQueuePair peer;
    private final ArrayDeque<PendingWr> sq = new ArrayDeque<>();
    private final ArrayDeque<RecvWr> rq = new ArrayDeque<>();
    private int sqOutstanding;
    private int unsignaledExecuted;
    private boolean flushPending;
    private long flushDue;
    private long txFreeAt;
    private long lastDue;
    private int breakAfter = -1;
    private String errorCause;
    /** wr_ids of drainSendQueue markers to complete after the next flush. */
    private long[] drainMarkers = new long[0];

    SimQueuePair(SimFabric fabric, SimDevice device, ConnectParams params, SimConnection connection) {
        super(fabric.newLaneId());
        this.fabric = fabric;
        this.device = device;
        this.pd = (SimProtectionDomain) params.pd();
        this.sendCq = (SimCompletionQueue) params.sendCq();
        this.recvCq = (SimCompletionQueue) params.recvCq();
        this.sqCapacity = params.maxSendWr();
        this.rqCapacity = params.maxRecvWr();
        this.connection = connection;
        this.qpNum = fabric.newQpNum();
        history.add(QpState.RESET);
        fabric.registerQp(this);
    }

    // ---- QueuePair ----

    @Override
    public int qpNum() {
        return qpNum;
    }

    @Override
    public QpState state() {
        return state;
    }

    @Override
    public int sendQueueCapacity() {
        return sqCapacity;
    }

    @Override
    public int recvQueueCapacity() {
        return rqCapacity;
    }

    @Override
    public SimCompletionQueue sendCq() {
        return sendCq;
    }

    @Override
    public SimCompletionQueue recvCq() {
        return recvCq;
    }

    @Override
    public void postSend(List<? extends SendWr> chain) throws PostSendException {
        if (!chain.isEmpty()) {
            post(chain, null, chain.size());
        }
    }

    /** A single WR, without the List the interface's default method would allocate. */
    @Override
    public void postSend(SendWr wr) throws PostSendException {
        post(null, wr, 1);
    }

    private void post(List<? extends SendWr> chain, SendWr single, int n) throws PostSendException {
        fabric.lock.lock();
        try {
            if (state != QpState.RTS || device.closed) {
                throw new PostSendException(Errno.ENOTCONN, 0, "QP " + qpNum + " is in " + state
                        + (errorCause != null ? " (" + errorCause + ")" : ""));
            }
            if (device.failPosts > 0) {
                device.failPosts--;
                fabric.counters.injected(SimStats.InjectedFault.POST_FAILURE);
                throw new PostSendException(device.failPostsErrno, 0, "postSend on QP " + qpNum
                        + " failed (injected fault)", true);
            }
            final int outstandingBefore = sqOutstanding;
            int fit = Math.min(n, Math.max(sqCapacity - outstandingBefore, 0));
            String malformed = null;
            for (int i = 0; i < fit; i++) {
                malformed = malformed(single != null ? single : chain.get(i));
                if (malformed != null) {
                    fit = i;
                    break;
                }
            }
            sqOutstanding += fit;
            for (int i = 0; i < fit; i++) {
                submit(single != null ? single : chain.get(i));
            }
            if (malformed != null) {
                throw new PostSendException(Errno.EINVAL, fit, malformed);
            }
            if (fit < n) {
                fabric.counters.sendQueueFull++;
                device.sendQueueFull++;
                throw new PostSendException(Errno.ENOMEM, fit, "send queue full: " + (outstandingBefore + fit)
                        + " of " + sqCapacity + " slots outstanding (an unsignaled WR holds its slot until a"
                        + " later signaled WR of the QP completes)");
            }
        } finally {
            fabric.unlockAndNotify();
        }
    }

    @Override
    public void postRecv(RecvWr wr) throws VerbsException {
        if (wr == null || wr.buffer() == null) {
            throw new VerbsException(Errno.EINVAL, "a RecvWr needs a buffer");
        }
        fabric.lock.lock();
        try {
            if (state == QpState.ERROR || state == QpState.RESET || device.closed) {
                throw new VerbsException(Errno.ENOTCONN, "QP " + qpNum + " is in " + state
                        + (errorCause != null ? " (" + errorCause + ")" : ""));
            }
            if (rq.size() >= rqCapacity) {
                throw new VerbsException(Errno.ENOMEM, "receive queue full: " + rqCapacity + " RECVs posted");
            }
            rq.add(wr);
        } finally {
            fabric.lock.unlock();
        }
    }

    @Override
    public void moveToError() {
        fabric.lock.lock();
        try {
            enterError("moveToError");
        } finally {
            fabric.unlockAndNotify();
        }
    }

    /**
     * ib_drain_sq: the QP goes to ERROR (and so does its peer) if it is not there yet; then, after the flush
     * completion of every WR posted before, a marker completes on the send CQ: {@code markerWrId}, SEND,
     * WR_FLUSH_ERR. In FREE mode (or inside a fabric event) that happens before this method returns; in
     * STEPPED mode at the next step(). When this call is what moves the QP to ERROR, Disconnected comes after
     * the marker. Calling it again, on a QP already in ERROR, gives another marker.
     */
    @Override
    public void drainSendQueue(long markerWrId) {
        fabric.lock.lock();
        try {
            drainMarkers = java.util.Arrays.copyOf(drainMarkers, drainMarkers.length + 1);
            drainMarkers[drainMarkers.length - 1] = markerWrId;
            if (state != QpState.ERROR) {
                enterError("drainSendQueue");
            } else if (fabric.mode == SimMode.FREE || fabric.insideEvent) {
                flushAll();
            } else if (!flushPending) {
                flushPending = true;
                flushDue = fabric.now();
                fabric.activate(this);
            }
        } finally {
            fabric.unlockAndNotify();
        }
    }

    @Override
    public void disconnect() {
        fabric.lock.lock();
        try {
            enterError("disconnect");
        } finally {
            fabric.unlockAndNotify();
        }
    }

    // ---- inspection ----

    /** {@return the endpoint the QP lives on} */
    public SimDevice device() {
        return device;
    }

    /** {@return the PD whose MRs this QP can reach} */
    public SimProtectionDomain pd() {
        return pd;
    }

    /** The connected QP at the other endpoint, or null before the connection is established. */
    public SimQueuePair peer() {
        fabric.lock.lock();
        try {
            return peer;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** Every state this QP went through, from RESET. */
    public List<QpState> stateHistory() {
        fabric.lock.lock();
        try {
            return List.copyOf(history);
        } finally {
            fabric.lock.unlock();
        }
    }

    /** Send-queue slots in use (posted WRs whose completion has not been generated). */
    public int outstandingSends() {
        fabric.lock.lock();
        try {
            return sqOutstanding;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** Posted send WRs not yet executed. */
    public int pendingSends() {
        fabric.lock.lock();
        try {
            return sq.size();
        } finally {
            fabric.lock.unlock();
        }
    }

    /** RECVs posted and not yet consumed. */
    public int postedRecvs() {
        fabric.lock.lock();
        try {
            return rq.size();
        } finally {
            fabric.lock.unlock();
        }
    }

    /** Why the QP went to ERROR, or null. */
    public String errorCause() {
        fabric.lock.lock();
        try {
            return errorCause;
        } finally {
            fabric.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SimQueuePair[" + device.name() + " qp" + qpNum + " " + state + "]";
    }

    // ---- internals (fabric lock held) ----

    void modify(QpState next) {
        state = next;
        history.add(next);
    }

    void breakAfter(int wrs) {
        if (wrs <= 0) {
            fabric.counters.injected(SimStats.InjectedFault.QP_BREAK);
            enterError("fault injection: breakQp");
        } else {
            breakAfter = wrs;
        }
    }

    private static String malformed(SendWr wr) {
        if (wr == null) {
            return "null WR";
        }
        if (wr instanceof SendWr.FastReg f) {
            return f.mr() == null || f.pages() == null ? "FAST_REG needs an MR and a page list" : null;
        }
        final List<Segment> sgl;
        if (wr instanceof SendWr.Send s) {
            sgl = s.sgl();
        } else if (wr instanceof SendWr.SendWithInv s) {
            sgl = s.sgl();
        } else if (wr instanceof SendWr.RdmaRead r) {
            sgl = r.sgl();
        } else if (wr instanceof SendWr.RdmaWrite w) {
            sgl = w.sgl();
        } else {
            return null;
        }
        if (sgl == null) {
            return wr.opcode() + " needs a scatter/gather list";
        }
        long total = 0;
        for (int i = 0; i < sgl.size(); i++) {
            if (sgl.get(i) == null) {
                return wr.opcode() + " has a null SGE at " + i;
            }
            total += sgl.get(i).length();
        }
        return total > Integer.MAX_VALUE ? wr.opcode() + " moves more than 2 GiB" : null;
    }

    private void submit(SendWr wr) {
        if (state == QpState.ERROR) { // an earlier WR of the same chain failed inline
            flushOne(wr);
            return;
        }
        final long now = fabric.now();
        final Opcode op = wr.opcode();
        long tx = 0;
        long latency = 0;
        final SimCosts c = fabric.costs;
        switch (op) {
            case FAST_REG -> tx = c.fastRegNanos();
            case SEND, SEND_WITH_INV, RDMA_WRITE -> {
                tx = c.transferNanos(bytesOf(wr));
                latency = c.wireLatencyNanos();
            }
            case RDMA_READ -> {
                tx = c.transferNanos(bytesOf(wr));
                latency = 2 * c.wireLatencyNanos();
            }
            default -> {
            }
        }
        final long txEnd = Math.max(now, txFreeAt) + tx;
        txFreeAt = txEnd;
        final long due = Math.max(txEnd + latency + device.delayNanos, lastDue);
        lastDue = due;
        if (fabric.mode == SimMode.FREE && due <= now && sq.isEmpty()) {
            fabric.runInline(this, wr);
        } else {
            sq.add(new PendingWr(wr, due));
            fabric.activate(this);
        }
    }

    private static int bytesOf(SendWr wr) {
        if (wr instanceof SendWr.Send s) {
            return SendWr.totalLength(s.sgl());
        } else if (wr instanceof SendWr.SendWithInv s) {
            return SendWr.totalLength(s.sgl());
        } else if (wr instanceof SendWr.RdmaRead r) {
            return SendWr.totalLength(r.sgl());
        } else if (wr instanceof SendWr.RdmaWrite w) {
            return SendWr.totalLength(w.sgl());
        }
        return 0;
    }

    @Override
    boolean hasWork() {
        return flushPending || !sq.isEmpty();
    }

    @Override
    long headDue() {
        return flushPending ? flushDue : sq.peek().due;
    }

    @Override
    int pendingCount() {
        return sq.size() + (flushPending ? 1 : 0);
    }

    @Override
    void runHead() {
        if (state == QpState.ERROR) {
            if (fabric.tracing()) {
                fabric.traceAppend(tracePrefix()).traceAppend(" FLUSH ").traceAppend(sq.size())
                        .traceAppend(" send, ").traceAppend(rq.size()).traceAppend(" recv");
                if (drainMarkers.length > 0) {
                    fabric.traceAppend(", ").traceAppend(drainMarkers.length).traceAppend(" drain marker");
                }
            }
            flushAll();
            return;
        }
        execute(sq.poll().wr);
    }

    String tracePrefix() {
        return "ep" + device.endpointId() + " qp" + qpNum;
    }

    /**
     * Moves this QP (and its peer) to ERROR. Inside a fabric event, or in FREE mode, outstanding WRs are
     * flushed now; a STEPPED-mode API call (moveToError, disconnect, breakQp, close) leaves the flush to the
     * next step().
     */
    void enterError(String cause) {
        if (state == QpState.ERROR) {
            return;
        }
        errorCause = cause;
        modify(QpState.ERROR);
        if (fabric.mode == SimMode.FREE || fabric.insideEvent) {
            flushAll();
        } else {
            flushPending = true;
            flushDue = fabric.now();
            fabric.activate(this);
        }
        if (connection != null) {
            connection.onQpError(this); // this QP hears Disconnected first
        }
        final SimQueuePair p = peer;
        if (p != null) {
            p.enterError("peer QP " + qpNum + " on " + device.name() + ": " + cause);
        }
    }

    private void flushAll() {
        PendingWr p;
        while ((p = sq.poll()) != null) {
            flushOne(p.wr);
        }
        RecvWr r;
        while ((r = rq.poll()) != null) {
            fabric.complete(recvCq, WorkCompletion.of(r.wrId(), Opcode.RECV, WcStatus.WR_FLUSH_ERR, qpNum), this);
        }
        sqOutstanding -= unsignaledExecuted;
        unsignaledExecuted = 0;
        if (drainMarkers.length > 0) {
            final long[] markers = drainMarkers;
            drainMarkers = new long[0];
            for (long id : markers) {
                fabric.complete(sendCq, WorkCompletion.of(id, Opcode.SEND, WcStatus.WR_FLUSH_ERR, qpNum), this);
            }
        }
        flushPending = false;
        fabric.deactivateIfIdle(this);
        if (connection != null) {
            connection.maybeDisconnected();
        }
    }

    boolean flushPending() {
        return flushPending;
    }

    private void flushOne(SendWr wr) {
        sqOutstanding--;
        fabric.complete(sendCq, WorkCompletion.of(wr.wrId(), wr.opcode(), WcStatus.WR_FLUSH_ERR, qpNum), this);
    }

    /** Executes one send WR (inside a fabric event). */
    void execute(SendWr wr) {
        fabric.counters.executed[wr.opcode().ordinal()]++;
        if (fabric.tracing()) {
            fabric.traceAppend(tracePrefix()).traceAppend(' ').traceAppend(wr.opcode().name())
                    .traceAppend(" wr=").traceAppend(wr.wrId());
        }
        if (wr instanceof SendWr.FastReg f) {
            finish(wr, execFastReg(f), 0);
        } else if (wr instanceof SendWr.LocalInv l) {
            finish(wr, execLocalInv(l), 0);
        } else if (wr instanceof SendWr.Send s) {
            finish(wr, execSend(s.sgl(), s.signaled(), false, 0), 0);
        } else if (wr instanceof SendWr.SendWithInv s) {
            finish(wr, execSend(s.sgl(), s.signaled(), true, s.invalidateRkey()), 0);
        } else if (wr instanceof SendWr.RdmaRead r) {
            final WcStatus st = execRead(r);
            finish(wr, st, st == WcStatus.SUCCESS ? SendWr.totalLength(r.sgl()) : 0);
        } else if (wr instanceof SendWr.RdmaWrite w) {
            finish(wr, execWrite(w), 0);
        }
    }

    private String failure;

    private WcStatus fail(WcStatus status, String why) {
        failure = why;
        return status;
    }

    private void finish(SendWr wr, WcStatus st, int byteLen) {
        if (st == WcStatus.SUCCESS) {
            if (wr.signaled()) {
                fabric.complete(sendCq, new WorkCompletion(wr.wrId(), wr.opcode(), st, byteLen, false, 0, qpNum),
                        this);
                retire();
            } else {
                unsignaledExecuted++;
            }
            if (fabric.tracing()) {
                fabric.traceAppend(wr.signaled() ? " -> SUCCESS" : " -> SUCCESS (unsignaled)");
            }
            if (breakAfter > 0 && --breakAfter == 0) {
                breakAfter = -1;
                if (fabric.tracing()) {
                    fabric.traceAppend("; breakQpAfter: QP to ERROR");
                }
                fabric.counters.injected(SimStats.InjectedFault.QP_BREAK);
                enterError("fault injection: breakQpAfter");
            }
        } else {
            fabric.complete(sendCq, WorkCompletion.of(wr.wrId(), wr.opcode(), st, qpNum), this);
            retire();
            if (fabric.tracing()) {
                fabric.traceAppend(" -> ").traceAppend(st.name()).traceAppend(" (").traceAppend(failure)
                        .traceAppend(')');
            }
            enterError(wr.opcode() + " wr " + wr.wrId() + " failed with " + st + ": " + failure);
        }
        failure = null;
    }

    /** A completion was generated: this WR's slot and those of the unsignaled WRs before it are free. */
    private void retire() {
        sqOutstanding -= 1 + unsignaledExecuted;
        unsignaledExecuted = 0;
    }

    private WcStatus execFastReg(SendWr.FastReg wr) {
        if (!(wr.mr() instanceof SimMr mr) || mr.device != device) {
            return fail(WcStatus.LOC_PROT_ERR, "the MR is not an MR of " + device.name());
        }
        if (mr.deregistered) {
            return fail(WcStatus.LOC_PROT_ERR, "MR index " + mr.index + " is deregistered");
        }
        if (mr.pd != pd) {
            return fail(WcStatus.LOC_PROT_ERR, "MR index " + mr.index + " is in another PD");
        }
        if (mr.valid) {
            return fail(WcStatus.LOC_PROT_ERR, "MR index " + mr.index + " is still valid under "
                    + RKey.format(mr.hwRkey) + ": invalidate it first");
        }
        if (RKey.index(wr.rkey()) != mr.index) {
            return fail(WcStatus.LOC_PROT_ERR, "rkey " + RKey.format(wr.rkey()) + " does not name MR index "
                    + mr.index);
        }
        final PageList pl = wr.pages();
        if (pl.pageCount() > mr.maxPages) {
            return fail(WcStatus.LOC_PROT_ERR, "page list of " + pl.pageCount() + " pages exceeds the MR's "
                    + mr.maxPages);
        }
        if (pl.pageSize() != device.attributes().pageSize()) {
            return fail(WcStatus.LOC_PROT_ERR, "page list page size " + pl.pageSize() + " is not the device's "
                    + device.attributes().pageSize());
        }
        if (pl.gaps() && !device.attributes().sgGapsSupported()) {
            return fail(WcStatus.LOC_PROT_ERR, "gapped page list on a device without SG_GAPS");
        }
        if ((wr.access() & Access.REMOTE_WRITE) != 0 && (wr.access() & Access.LOCAL_WRITE) == 0) {
            return fail(WcStatus.LOC_PROT_ERR, "REMOTE_WRITE requires LOCAL_WRITE");
        }
        final int ranges = pl.rangeCount();
        for (int i = 0; i < ranges; i++) {
            if (device.findMapping(pl.rangeAddress(i), pl.rangeLength(i)) == null) {
                return fail(WcStatus.LOC_PROT_ERR, "range " + i + " [0x" + Long.toHexString(pl.rangeAddress(i))
                        + ", +" + pl.rangeLength(i) + ") is not inside one buffer mapped by " + device.name());
            }
        }
        mr.ensureRanges(ranges);
        for (int i = 0; i < ranges; i++) {
            final SimDevice.Mapping m = device.findMapping(pl.rangeAddress(i), pl.rangeLength(i));
            mr.rangeMapping[i] = m;
            mr.rangeOffset[i] = (int) (pl.rangeAddress(i) - m.address);
            mr.rangeLength[i] = pl.rangeLength(i);
        }
        mr.rangeCount = ranges;
        mr.hwRkey = wr.rkey();
        mr.access = wr.access();
        mr.iova = pl.iova();
        mr.length = pl.length();
        mr.valid = true;
        if (fabric.tracing()) {
            fabric.traceAppend(" rkey=").traceAppend(RKey.format(wr.rkey())).traceAppend(" len=")
                    .traceAppend(pl.length());
        }
        return WcStatus.SUCCESS;
    }

    /**
     * LOCAL_INV: the rkey must name an MR of this endpoint, in this QP's PD, whose installed key byte matches.
     * Invalidating an MR that is already invalid, with the matching rkey, succeeds (as ib_post_send of a
     * LOCAL_INV for an already-free MR does on mlx5): recovery code may invalidate twice.
     */
    private WcStatus execLocalInv(SendWr.LocalInv wr) {
        final SimMr mr = device.mrs.get(RKey.index(wr.rkey()));
        if (fabric.tracing()) {
            fabric.traceAppend(" rkey=").traceAppend(RKey.format(wr.rkey()));
        }
        if (mr == null || mr.deregistered) {
            return fail(WcStatus.LOC_PROT_ERR, "no MR with index " + RKey.index(wr.rkey()));
        }
        if (mr.pd != pd) {
            return fail(WcStatus.LOC_PROT_ERR, "MR index " + mr.index + " is in another PD");
        }
        if (RKey.keyByte(wr.rkey()) != RKey.keyByte(mr.hwRkey)) {
            return fail(WcStatus.LOC_PROT_ERR, "key byte of " + RKey.format(wr.rkey()) + " does not match the"
                    + " installed " + RKey.format(mr.hwRkey));
        }
        mr.valid = false;
        return WcStatus.SUCCESS;
    }

    private SimQueuePair readyPeer() {
        final SimQueuePair t = peer;
        if (t == null || (t.state != QpState.RTS && t.state != QpState.RTR)) {
            return null;
        }
        return t;
    }

    private WcStatus execSend(List<Segment> sgl, boolean signaled, boolean withInv, int invRkey) {
        if (!device.allLocal(sgl)) {
            return fail(WcStatus.LOC_PROT_ERR, "an SGE is not in a buffer mapped by " + device.name());
        }
        final SimQueuePair t = readyPeer();
        if (t == null) {
            return fail(WcStatus.RETRY_EXC_ERR, "no peer QP to receive");
        }
        final byte[] payload = SimFabric.gather(sgl);
        fabric.counters.bytesMoved += payload.length;
        fabric.tap(this, t, withInv ? io.frwr.verbs.sim.WireMessage.Kind.SEND_WITH_INV
                : io.frwr.verbs.sim.WireMessage.Kind.SEND, payload, 0, 0, 0, withInv ? invRkey : 0,
                WireMessage.Nak.NONE);
        final RecvWr r = t.rq.peek();
        if (r == null) {
            fabric.tap(t, this, WireMessage.Kind.NAK, SimFabric.EMPTY, 0, 0, 0, 0, WireMessage.Nak.RNR);
            return fail(WcStatus.RNR_RETRY_EXC_ERR, "no RECV posted at " + t.device.name() + " qp" + t.qpNum
                    + " (rnr_retry = 0)");
        }
        if (withInv) {
            final SimStats.DenyReason d = t.device.checkRemote(t, invRkey, 0, 0, 0);
            if (d != null) {
                return denied(t, d, invRkey);
            }
        }
        t.rq.poll();
        fabric.counters.executed[Opcode.RECV.ordinal()]++;
        if (payload.length > r.buffer().length()) {
            fabric.complete(t.recvCq, new WorkCompletion(r.wrId(), Opcode.RECV, WcStatus.LOC_LEN_ERR,
                    payload.length, false, 0, t.qpNum), t);
            fabric.tap(t, this, WireMessage.Kind.NAK, SimFabric.EMPTY, 0, 0, 0, 0, WireMessage.Nak.INVALID_REQUEST);
            return fail(WcStatus.REM_INV_REQ_ERR, payload.length + " bytes sent into a " + r.buffer().length()
                    + "-byte RECV at " + t.device.name() + " qp" + t.qpNum);
        }
        if (!t.device.isLocal(r.buffer())) {
            fabric.complete(t.recvCq, WorkCompletion.of(r.wrId(), Opcode.RECV, WcStatus.LOC_PROT_ERR, t.qpNum), t);
            fabric.tap(t, this, WireMessage.Kind.NAK, SimFabric.EMPTY, 0, 0, 0, 0,
                    WireMessage.Nak.REMOTE_OPERATIONAL_ERROR);
            return fail(WcStatus.REM_OP_ERR, "the RECV buffer at " + t.device.name() + " is not mapped there");
        }
        SimFabric.scatter(payload, r.buffer());
        if (withInv) {
            final SimMr mr = t.device.resolved;
            mr.valid = false;
        }
        fabric.complete(t.recvCq, new WorkCompletion(r.wrId(), Opcode.RECV, WcStatus.SUCCESS, payload.length,
                withInv, withInv ? invRkey : 0, t.qpNum), t);
        if (signaled) {
            fabric.tap(t, this, WireMessage.Kind.ACK, SimFabric.EMPTY, 0, 0, 0, 0, WireMessage.Nak.NONE);
        }
        if (fabric.tracing()) {
            fabric.traceAppend(" len=").traceAppend(payload.length);
            if (withInv) {
                fabric.traceAppend(" inv=").traceAppend(RKey.format(invRkey));
            }
        }
        return WcStatus.SUCCESS;
    }

    private WcStatus denied(SimQueuePair t, SimStats.DenyReason reason, int rkey) {
        fabric.counters.denied[reason.ordinal()]++;
        fabric.tap(t, this, WireMessage.Kind.NAK, SimFabric.EMPTY, 0, 0, 0, 0, WireMessage.Nak.REMOTE_ACCESS_ERROR);
        return fail(WcStatus.REM_ACCESS_ERR, reason + " for rkey " + RKey.format(rkey) + " at "
                + t.device.name());
    }

    /** Self-check: an access that passed must use the live hardware rkey of a valid, registered MR. */
    private void selfCheck(SimQueuePair t, SimMr mr, int rkey) {
        if (mr == null || !mr.valid || mr.deregistered || mr.hwRkey != rkey || t.device.mrs.get(mr.index) != mr
                || mr.pd != t.pd) {
            fabric.counters.staleRkeyAccessSucceeded++;
        }
    }

    private WcStatus execRead(SendWr.RdmaRead wr) {
        final int len = SendWr.totalLength(wr.sgl());
        if (fabric.tracing()) {
            fabric.traceAppend(" rkey=").traceAppend(RKey.format(wr.rkey())).traceAppend(" len=").traceAppend(len);
        }
        if (!device.allLocal(wr.sgl())) {
            return fail(WcStatus.LOC_PROT_ERR, "an SGE is not in a buffer mapped by " + device.name());
        }
        final SimQueuePair t = readyPeer();
        if (t == null) {
            return fail(WcStatus.RETRY_EXC_ERR, "no peer QP");
        }
        fabric.tap(this, t, WireMessage.Kind.RDMA_READ_REQUEST, SimFabric.EMPTY, wr.remoteAddr(), wr.rkey(), len,
                0, WireMessage.Nak.NONE);
        if (len == 0) { // a zero-length READ checks no rkey and moves nothing (IBA 9.4.4)
            fabric.tap(t, this, WireMessage.Kind.RDMA_READ_RESPONSE, SimFabric.EMPTY, 0, 0, 0, 0,
                    WireMessage.Nak.NONE);
            return WcStatus.SUCCESS;
        }
        final SimStats.DenyReason d = t.device.checkRemote(t, wr.rkey(), wr.remoteAddr(), len, Access.REMOTE_READ);
        if (d != null) {
            return denied(t, d, wr.rkey());
        }
        final SimMr mr = t.device.resolved;
        selfCheck(t, mr, wr.rkey());
        final byte[] data = mr.read(wr.remoteAddr() - mr.iova, len);
        fabric.counters.bytesMoved += len;
        SimFabric.scatter(data, wr.sgl());
        fabric.tap(t, this, WireMessage.Kind.RDMA_READ_RESPONSE, data, 0, 0, 0, 0, WireMessage.Nak.NONE);
        return WcStatus.SUCCESS;
    }

    private WcStatus execWrite(SendWr.RdmaWrite wr) {
        final int len = SendWr.totalLength(wr.sgl());
        if (fabric.tracing()) {
            fabric.traceAppend(" rkey=").traceAppend(RKey.format(wr.rkey())).traceAppend(" len=").traceAppend(len);
        }
        if (!device.allLocal(wr.sgl())) {
            return fail(WcStatus.LOC_PROT_ERR, "an SGE is not in a buffer mapped by " + device.name());
        }
        final SimQueuePair t = readyPeer();
        if (t == null) {
            return fail(WcStatus.RETRY_EXC_ERR, "no peer QP");
        }
        final byte[] payload = SimFabric.gather(wr.sgl());
        fabric.tap(this, t, WireMessage.Kind.RDMA_WRITE, payload, wr.remoteAddr(), wr.rkey(), len, 0,
                WireMessage.Nak.NONE);
        if (len > 0) { // a zero-length WRITE checks no rkey and moves nothing (IBA 9.4.3)
            final SimStats.DenyReason d = t.device.checkRemote(t, wr.rkey(), wr.remoteAddr(), len,
                    Access.REMOTE_WRITE);
            if (d != null) {
                return denied(t, d, wr.rkey());
            }
            final SimMr mr = t.device.resolved;
            selfCheck(t, mr, wr.rkey());
            mr.write(wr.remoteAddr() - mr.iova, payload);
            fabric.counters.bytesMoved += len;
        }
        if (wr.signaled()) {
            fabric.tap(t, this, WireMessage.Kind.ACK, SimFabric.EMPTY, 0, 0, 0, 0, WireMessage.Nak.NONE);
        }
        return WcStatus.SUCCESS;
    }
}
