package io.frwr.verbs.sim;

import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fault injection. Every method is thread-safe; the effects are those a real fabric or HCA would show. */
public final class SimFaults {
    private final SimFabric fabric;
    private final Map<String, Integer> rejects = new HashMap<>();

    SimFaults(SimFabric fabric) {
        this.fabric = fabric;
    }

    /**
     * The QP goes to ERROR now, as on a link or transport failure: outstanding WRs flush, the peer QP goes to
     * ERROR too, both ends get Disconnected. Returns false if the QP was already in ERROR.
     */
    public boolean breakQp(QueuePair qp) {
        final SimQueuePair q = sim(qp);
        fabric.lock.lock();
        try {
            if (q.state() == QpState.ERROR) {
                return false;
            }
            fabric.counters.injected(SimStats.InjectedFault.QP_BREAK);
            q.enterError("fault injection: breakQp");
            return true;
        } finally {
            fabric.unlockAndNotify();
        }
    }

    /** Breaks every QP of endpoint {@code endpointId} that is not in ERROR yet; returns how many. */
    public int breakQp(int endpointId) {
        fabric.lock.lock();
        try {
            int n = 0;
            for (SimQueuePair q : fabric.queuePairsOf(fabric.endpointById(endpointId))) {
                if (q.state() != QpState.ERROR) {
                    fabric.counters.injected(SimStats.InjectedFault.QP_BREAK);
                    q.enterError("fault injection: breakQp(endpoint " + endpointId + ")");
                    n++;
                }
            }
            return n;
        } finally {
            fabric.unlockAndNotify();
        }
    }

    /**
     * The QP goes to ERROR right after {@code wrs} more of its send WRs have executed (those complete as
     * usual); 0 breaks it now.
     */
    public void breakQpAfter(QueuePair qp, int wrs) {
        if (wrs < 0) {
            throw new IllegalArgumentException("wrs must be >= 0, was " + wrs);
        }
        final SimQueuePair q = sim(qp);
        fabric.lock.lock();
        try {
            q.breakAfter(wrs);
        } finally {
            fabric.unlockAndNotify();
        }
    }

    /**
     * The next {@code count} postSend calls on any QP of {@code dev} fail with {@code errno} (ENOMEM or
     * EAGAIN) at index 0: nothing of the chain is posted.
     */
    public void failNextPosts(SimDevice dev, int count, Errno errno) {
        if (errno != Errno.ENOMEM && errno != Errno.EAGAIN) {
            throw new IllegalArgumentException("postSend fails with ENOMEM or EAGAIN, not " + errno);
        }
        fabric.lock.lock();
        try {
            dev.failPosts = count;
            dev.failPostsErrno = errno;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** The next {@code count} allocFastRegMr calls on {@code dev} fail with ENOMEM. */
    public void failNextAllocs(SimDevice dev, int count) {
        fabric.lock.lock();
        try {
            dev.failAllocs = count;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** The next {@code count} deregMr calls on {@code dev} fail with EBUSY; the MR stays as it was. */
    public void failNextDeregs(SimDevice dev, int count) {
        fabric.lock.lock();
        try {
            dev.failDeregs = count;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** The next {@code count} connect attempts to {@code address} are rejected, listener or not. */
    public void rejectNextConnects(String address, int count) {
        fabric.lock.lock();
        try {
            if (count <= 0) {
                rejects.remove(address);
            } else {
                rejects.put(address, count);
            }
        } finally {
            fabric.lock.unlock();
        }
    }

    /**
     * A slow HCA: every send WR posted from now on to a QP of {@code dev} executes, and completes,
     * {@code nanos} later than it otherwise would (FREE: real time, on the fabric thread; STEPPED: virtual
     * time). Per-QP order is kept. 0 ends the delay.
     */
    public void delayCompletions(SimDevice dev, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("delay must be >= 0, was " + nanos);
        }
        fabric.lock.lock();
        try {
            dev.delayNanos = nanos;
        } finally {
            fabric.lock.unlock();
        }
    }

    /**
     * Picks one QP in RTS with a peer, with the fabric's seeded random (in QP creation order), and breaks it.
     */
    public Optional<QueuePair> breakRandomQp() {
        fabric.lock.lock();
        try {
            final List<SimQueuePair> candidates = new ArrayList<>();
            for (SimQueuePair q : fabric.allQueuePairs()) {
                if (q.state() == QpState.RTS && q.peer != null) {
                    candidates.add(q);
                }
            }
            if (candidates.isEmpty()) {
                return Optional.empty();
            }
            final SimQueuePair victim = candidates.get(fabric.random.nextInt(candidates.size()));
            fabric.counters.injected(SimStats.InjectedFault.QP_BREAK);
            victim.enterError("fault injection: breakRandomQp");
            return Optional.of(victim);
        } finally {
            fabric.unlockAndNotify();
        }
    }

    /** Fabric lock held. */
    boolean takeReject(String address) {
        final Integer n = rejects.get(address);
        if (n == null) {
            return false;
        }
        if (n <= 1) {
            rejects.remove(address);
        } else {
            rejects.put(address, n - 1);
        }
        fabric.counters.injected(SimStats.InjectedFault.CONNECT_REJECT);
        return true;
    }

    private SimQueuePair sim(QueuePair qp) {
        if (!(qp instanceof SimQueuePair q) || q.device.fabric() != fabric) {
            throw new IllegalArgumentException(qp + " is not a QP of this fabric");
        }
        return q;
    }
}
