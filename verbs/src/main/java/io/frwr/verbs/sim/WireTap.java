package io.frwr.verbs.sim;

/** Receives every message the fabric moves, in fabric order, on the fabric's executing thread. */
@FunctionalInterface
public interface WireTap {
    /** One frame, on the fabric's thread; it must not block. */
    void onMessage(WireMessage message);
}
