package io.frwr.verbs.sim;

/**
 * A FIFO of events whose due times never decrease. The fabric's scheduler looks only at lane heads: the
 * earliest due time wins, a seeded random choice breaks ties between lanes, and the FIFO keeps posting order
 * inside a lane. Every method runs with the fabric lock held.
 */
abstract class SimLane {
    final long laneId;
    /** True while the lane is in the fabric's list of lanes with work. */
    boolean active;

    SimLane(long laneId) {
        this.laneId = laneId;
    }

    abstract boolean hasWork();

    /** Due time of the head event; only called when {@link #hasWork()}. */
    abstract long headDue();

    abstract int pendingCount();

    /** Executes the head event (inside a fabric event). */
    abstract void runHead();
}
