package io.frwr.actors;

import io.frwr.frwr.MrState;
import io.frwr.verbs.FastRegMr;

import java.util.ArrayList;
import java.util.List;

/**
 * One slot of the MR pool: the verbs MR it holds now, its FRWR state and a generation that recovery
 * bumps when it deregisters the MR. A registration remembers the generation it mapped; if the slot's
 * generation has moved on, the MR it used is gone and its rkey can no longer reach the caller's memory.
 *
 * <p>The state is written only by the MR's current owner (the QueuePair actor that maps and unmaps it, or
 * Recovery), with ownership passed by messages; volatile makes the hand-over visible to the pool's
 * acquire check, which reads it while the MR sits on the free list, as the seed's frwr_op_map does.
 */
public final class PooledMr {
    private final int slot;
    private volatile FastRegMr mr;
    private volatile MrState state = MrState.INVALID;
    private volatile int generation;
    private final List<Fence> fenceWaiters = new ArrayList<>(0);

    PooledMr(int slot, FastRegMr mr) {
        this.slot = slot;
        this.mr = mr;
    }

    public int slot() {
        return slot;
    }

    public FastRegMr mr() {
        return mr;
    }

    public MrState state() {
        return state;
    }

    public int generation() {
        return generation;
    }

    void setState(MrState state) {
        this.state = state;
    }

    /**
     * The caller's memory is safe once this MR is deregistered: the fence counts down then, or at once if the
     * generation the caller mapped is already gone.
     */
    synchronized void fenceOnDeregistration(Fence fence, int mappedGeneration) {
        if (generation != mappedGeneration) {
            fence.countDown();
        } else {
            fenceWaiters.add(fence);
        }
    }

    /** Recovery deregistered the MR: every rkey it had is dead, release whoever waited on that. */
    void deregistered() {
        endGeneration(true);
    }

    /** Recovery gave up deregistering: release the waiters, telling them the memory may still be exposed. */
    void abandoned() {
        endGeneration(false);
    }

    /** The MR of this generation is gone (or given up): waiters learn whether their memory is safe. */
    private void endGeneration(boolean deregistered) {
        final List<Fence> waiters;
        synchronized (this) {
            generation++;
            if (deregistered) {
                mr = null;
                state = MrState.STALE;
            }
            waiters = new ArrayList<>(fenceWaiters);
            fenceWaiters.clear();
        }
        for (Fence f : waiters) {
            if (deregistered) {
                f.countDown();
            } else {
                f.countDownUnsafe();
            }
        }
    }

    /** Recovery installed a freshly allocated MR (new index, new rkey). */
    synchronized void reinitialized(FastRegMr fresh) {
        this.mr = fresh;
        this.state = MrState.INVALID;
    }

    @Override
    public String toString() {
        final FastRegMr m = mr;
        return "MR#" + slot + "[" + state + ", gen " + generation + (m == null ? ", none" : ", rkey " + io.frwr.verbs.RKey.format(m.rkey())) + "]";
    }
}
