package io.frwr.verbs;

/** A receive buffer for one incoming SEND. */
public record RecvWr(long wrId, Segment buffer) {
}
