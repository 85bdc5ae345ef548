package io.frwr.loadgen;

import io.frwr.verbs.sim.SimCosts;

/**
 * The simulated fabric's costs ({@code --fabric-costs}). DEFAULT is a small RoCE HCA: MR alloc/dereg are
 * firmware commands (50 us each, so recovery shows), FAST_REG a WQE (1 us), 0.1 ns per byte (~10 GB/s per
 * QP, so MB/s means something) and 2 us one-way wire latency.
 */
public enum FabricCosts {
    /** Everything free: the transport's own cost, alone. */
    NONE(SimCosts.NONE),
    /** A small RoCE HCA, as the class comment says. */
    DEFAULT(new SimCosts(50_000, 50_000, 1_000, 0.1, 2_000));

    private final SimCosts costs;

    FabricCosts(SimCosts costs) {
        this.costs = costs;
    }

    /** {@return the fabric costs this choice stands for} */
    public SimCosts costs() {
        return costs;
    }
}
