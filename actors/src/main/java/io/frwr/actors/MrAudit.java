package io.frwr.actors;

import io.frwr.frwr.MrState;

import java.util.List;

/** Every MR slot of one pool at one moment, for invariant checkers: where it is, its state and its rkey. */
public record MrAudit(PoolOccupancy occupancy, List<Slot> slots) {
    public enum Where { FREE, REGISTERED, RECOVERING, ORPHANED, DESTROYED }

    /** {@code rkey} is the MR's current rkey, or -1 when the slot holds no MR (mid-recovery, destroyed). */
    public record Slot(int slot, Where where, MrState state, int generation, long rkey) { }

    public long count(Where w) {
        return slots.stream().filter(s -> s.where() == w).count();
    }
}
