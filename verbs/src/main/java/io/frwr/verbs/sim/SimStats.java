package io.frwr.verbs.sim;

import io.frwr.verbs.Opcode;
import io.frwr.verbs.WcStatus;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of the fabric's counters ({@link SimFabric#stats()}). Every map holds every key, zeros included.
 *
 * @param wrsExecuted              WRs executed per opcode (not flushed ones); RECV counts consumed receives
 * @param flushed                  WR_FLUSH_ERR completions (send and receive)
 * @param remoteAccessDenied       RDMA READ/WRITE and SEND_WITH_INV refused at the target, by reason
 * @param staleRkeyAccessSucceeded self-check: remote accesses that passed the checks although the rkey was not
 *                                 the live hardware rkey of a valid MR; must stay 0
 * @param mrsAllocated             MRs allocated since the fabric started
 * @param mrsDeregistered          MRs deregistered since the fabric started
 * @param mrsLive                  allocated minus deregistered
 * @param currentMrOps             allocFastRegMr/deregMr calls in progress now
 * @param maxConcurrentMrOps       the most such calls that were ever in progress at once
 * @param completions              completions generated, by status
 * @param cqOverruns               completions dropped because their CQ was full (the QP went to ERROR)
 * @param connectsEstablished      connections that reached Established
 * @param connectsRejected         connect attempts rejected (by a listener or by fault injection)
 * @param connectsFailed           connect attempts that ended in ConnectError
 * @param bytesMoved               payload bytes moved by SEND, RDMA WRITE and RDMA READ
 * @param injected                 faults {@link SimFaults} applied, by kind: how a checker knows a failure was
 *                                 deliberate without reading its message
 * @param sendQueueFull            post_send calls refused because the send queue was full (never an injected
 *                                 failure): on real hardware the poster's bug, so a checker wants 0 for its side
 */
public record SimStats(Map<Opcode, Long> wrsExecuted, long flushed, Map<DenyReason, Long> remoteAccessDenied,
                       long staleRkeyAccessSucceeded, long mrsAllocated, long mrsDeregistered, long mrsLive,
                       int currentMrOps, int maxConcurrentMrOps, Map<WcStatus, Long> completions, long cqOverruns,
                       long connectsEstablished, long connectsRejected, long connectsFailed, long bytesMoved,
                       Map<InjectedFault, Long> injected, long sendQueueFull) {

    /** The snapshot before the fabric counted injected faults and full send queues: both zero. */
    public SimStats(Map<Opcode, Long> wrsExecuted, long flushed, Map<DenyReason, Long> remoteAccessDenied,
                    long staleRkeyAccessSucceeded, long mrsAllocated, long mrsDeregistered, long mrsLive,
                    int currentMrOps, int maxConcurrentMrOps, Map<WcStatus, Long> completions, long cqOverruns,
                    long connectsEstablished, long connectsRejected, long connectsFailed, long bytesMoved) {
        this(wrsExecuted, flushed, remoteAccessDenied, staleRkeyAccessSucceeded, mrsAllocated, mrsDeregistered,
                mrsLive, currentMrOps, maxConcurrentMrOps, completions, cqOverruns, connectsEstablished,
                connectsRejected, connectsFailed, bytesMoved, toMap(InjectedFault.class,
                        new long[InjectedFault.values().length]), 0);
    }

    /**
     * A fault {@link SimFaults} applied. The failure it causes is marked too ({@code VerbsException.injected()},
     * the QP's error cause), so nobody needs to match message text to tell it from a real one.
     */
    public enum InjectedFault {
        /** A QP put into ERROR (breakQp, breakRandomQp, breakQpAfter once it fires). */
        QP_BREAK,
        /** A post_send refused ({@code failNextPosts}). */
        POST_FAILURE,
        /** An allocFastRegMr refused ({@code failNextAllocs}). */
        ALLOC_FAILURE,
        /** A deregMr refused ({@code failNextDeregs}). */
        DEREG_FAILURE,
        /** A connect attempt rejected ({@code rejectNextConnects}). */
        CONNECT_REJECT
    }

    /** {@return how many faults of {@code kind} were injected} */
    public long injected(InjectedFault kind) {
        return injected.get(kind);
    }

    /** {@return how many faults were injected, of every kind} */
    public long injectedTotal() {
        long n = 0;
        for (long v : injected.values()) {
            n += v;
        }
        return n;
    }

    /** Why a target refused a remote access. */
    public enum DenyReason {
        /** No MR with the rkey's index (never allocated, or deregistered). */
        NO_SUCH_MR,
        /** The MR belongs to a PD other than the target QP's. */
        PD_MISMATCH,
        /** The MR exists but is not registered (never fast-registered, or invalidated). */
        INVALID,
        /** The MR is valid under another key byte (a stale rkey from an earlier registration). */
        KEY_MISMATCH,
        /** The registration lacks REMOTE_READ (READ) or REMOTE_WRITE (WRITE). */
        ACCESS,
        /** Some byte of [remoteAddr, remoteAddr + length) lies outside [iova, iova + length). */
        BOUNDS,
        /** The registration maps memory that has since been unmapped (unmapBuffer). */
        UNMAPPED
    }

    /** {@return how many WRs of {@code opcode} executed} */
    public long executed(Opcode opcode) {
        return wrsExecuted.get(opcode);
    }

    /** {@return how many remote accesses were refused for {@code reason}} */
    public long denied(DenyReason reason) {
        return remoteAccessDenied.get(reason);
    }

    /** {@return how many remote accesses were refused, for every reason} */
    public long remoteAccessDeniedTotal() {
        long n = 0;
        for (long v : remoteAccessDenied.values()) {
            n += v;
        }
        return n;
    }

    /** {@return how many completions had {@code status}} */
    public long completions(WcStatus status) {
        return completions.get(status);
    }

    static <E extends Enum<E>> Map<E, Long> toMap(Class<E> type, long[] counts) {
        final EnumMap<E, Long> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            m.put(e, counts[e.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }
}
