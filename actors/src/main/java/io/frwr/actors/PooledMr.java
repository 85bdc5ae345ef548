package io.frwr.actors;

import io.frwr.frwr.MrEvent;
import io.frwr.frwr.MrState;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ProtectionDomain;

import java.util.ArrayList;
import java.util.List;

/**
 * One slot of the MR pool: the verbs MR it holds now (and the protection domain that MR lives in), its FRWR
 * state and a generation that moves on when the MR of the slot can no longer reach anyone's memory (it was
 * deregistered, or its PD was retired). A registration remembers the generation it mapped; if the slot's
 * generation has moved on, the MR it used is gone and its rkey can no longer reach the caller's memory.
 *
 * <p>Shared on purpose between the QueuePair actor (map, unmap, flushes), the MrPool actor (acquire check,
 * books) and Recovery's worker threads (deregistration), because ownership passes between them with every
 * cycle and a message per state read would cost the hot path what the seed saved. So: the state changes only
 * through {@link MrState#next} ({@link #apply}), under this object's lock, by the MR's current owner; the
 * fence waiters are guarded by the same lock; reads are volatile.
 */
public final class PooledMr {
    private final int slot;
    private volatile FastRegMr mr;
    private volatile ProtectionDomain pd;
    private volatile int pdGeneration;
    private volatile MrState state = MrState.INVALID;
    private volatile int generation;
    private final List<Fence> fenceWaiters = new ArrayList<>(0);

    PooledMr(int slot, FastRegMr mr, ProtectionDomain pd, int pdGeneration) {
        this.slot = slot;
        this.mr = mr;
        this.pd = pd;
        this.pdGeneration = pdGeneration;
    }

    /** {@return the pool slot this MR lives in; stable across recoveries, which replace the MR in it} */
    public int slot() {
        return slot;
    }

    /** {@return the verbs MR now in the slot} */
    public FastRegMr mr() {
        return mr;
    }

    /** {@return the state the requester believes the MR is in} */
    public MrState state() {
        return state;
    }

    /** {@return the slot's generation: a release or recover from an older one is stale and ignored} */
    public int generation() {
        return generation;
    }

    /** The protection domain the current MR was allocated in (deregistration goes there). */
    ProtectionDomain pd() {
        return pd;
    }

    int pdGeneration() {
        return pdGeneration;
    }

    /** The one way to change the state: through the transition table, which throws on a forbidden one. */
    synchronized void apply(MrEvent event) {
        state = MrState.next(state, event);
    }

    /** {@link #apply}, if the slot is still at {@code mappedGeneration} (a WR of an older MR says nothing now). */
    synchronized void applyIfGeneration(int mappedGeneration, MrEvent event) {
        if (generation == mappedGeneration) {
            state = MrState.next(state, event);
        }
    }

    /**
     * The caller's memory is safe once this MR can no longer reach it: the fence counts down then, or at once
     * if the generation the caller mapped is already gone.
     */
    synchronized void fenceOnDeregistration(Fence fence, int mappedGeneration) {
        if (generation != mappedGeneration) {
            fence.countDown();
        } else {
            fenceWaiters.add(fence);
        }
    }

    /** Recovery (or shutdown) deregistered the MR: every rkey it had is dead, release whoever waited on that. */
    void deregistered() {
        final List<Fence> waiters;
        synchronized (this) {
            state = MrState.next(state, MrEvent.DEREGISTERED);
            mr = null;
            waiters = endGeneration();
        }
        waiters.forEach(Fence::countDown);
    }

    /**
     * Deregistration failed for good, but no QP of the MR's protection domain is open any more: its rkey is
     * live in the device and reaches nobody. Waiters are released; the MR stays allocated (leaked, counted).
     */
    void unreachable() {
        final List<Fence> waiters;
        synchronized (this) {
            waiters = endGeneration();
        }
        waiters.forEach(Fence::countDown);
    }

    private List<Fence> endGeneration() {
        generation++;
        final List<Fence> waiters = new ArrayList<>(fenceWaiters);
        fenceWaiters.clear();
        return waiters;
    }

    /** Recovery installed a freshly allocated MR (new index, new rkey), possibly in a newer protection domain. */
    synchronized void reinitialized(FastRegMr fresh, ProtectionDomain freshPd, int freshPdGeneration) {
        state = MrState.next(state, MrEvent.RECOVERED);
        this.mr = fresh;
        this.pd = freshPd;
        this.pdGeneration = freshPdGeneration;
    }

    @Override
    public String toString() {
        final FastRegMr m = mr;
        return "MR#" + slot + "[" + state + ", gen " + generation + ", pd " + pdGeneration
                + (m == null ? ", none" : ", rkey " + io.frwr.verbs.RKey.format(m.rkey())) + "]";
    }
}
