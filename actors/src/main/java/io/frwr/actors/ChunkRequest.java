package io.frwr.actors;

import io.frwr.verbs.Segment;

import java.util.List;

/** One chunk to register: segments of local memory the peer may read or write. */
public record ChunkRequest(List<Segment> segments, Direction direction) {
    /** Copies the segments, so a caller's later change to its list cannot change what is registered. */
    public ChunkRequest {
        segments = List.copyOf(segments);
    }

    /** {@return a chunk of {@code segments} the peer may access as {@code direction} says} */
    public static ChunkRequest of(Direction direction, Segment... segments) {
        return new ChunkRequest(List.of(segments), direction);
    }
}
