package io.frwr.loadgen;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireTap;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps a capture failure out of the run: the fabric calls its wire tap on its own executing thread, so
 * an exception from the capture writer would kill that thread and stall the fabric. The first failure
 * is kept for the report and the capture stops there; the run goes on.
 */
final class GuardedTap implements WireTap {
    private final WireTap tap;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    GuardedTap(WireTap tap) {
        this.tap = tap;
    }

    @Override
    public void onMessage(WireMessage message) {
        if (failure.get() != null) {
            return;
        }
        try {
            tap.onMessage(message);
        } catch (RuntimeException | LinkageError e) {
            failure.compareAndSet(null, e);
        }
    }

    /** The first failure, or null if every message was captured. */
    Throwable failure() {
        return failure.get();
    }
}
