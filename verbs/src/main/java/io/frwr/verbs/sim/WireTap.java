package io.frwr.verbs.sim;

/** Receives every message the fabric moves, in fabric order, on the fabric's executing thread. */
@FunctionalInterface
public interface WireTap {
    void onMessage(WireMessage message);
}
