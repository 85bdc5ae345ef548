package io.frwr.actors;

import io.frwr.frwr.MrState;

import java.util.List;

/** Every MR slot of one pool at one moment, for invariant checkers: where it is, its state and its rkey. */
public record MrAudit(PoolOccupancy occupancy, List<Slot> slots) {
    /** Where a slot's MR is: in the free list, lent to a registration, being recovered, lost to a failed deregistration, or gone. */
    public enum Where { FREE, REGISTERED, RECOVERING, ORPHANED, DESTROYED }

    /** {@code rkey} is the MR's current rkey, or -1 when the slot holds no MR (mid-recovery, destroyed). */
    public record Slot(int slot, Where where, MrState state, int generation, long rkey) { }

    /** How many slots are {@code w}; the checkers compare these with the pool's own occupancy. */
    public long count(Where w) {
        return slots.stream().filter(s -> s.where() == w).count();
    }
}
