package io.frwr.actors;

/** The pool's occupancy as last published by the MrPool actor, readable from any thread. */
final class PoolGauge {
    private volatile PoolOccupancy occupancy = new PoolOccupancy(0, 0, 0, 0, 0);

    void set(PoolOccupancy o) {
        occupancy = o;
    }

    PoolOccupancy get() {
        return occupancy;
    }
}
