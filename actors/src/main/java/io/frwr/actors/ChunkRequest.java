package io.frwr.actors;

import io.frwr.verbs.Segment;

import java.util.List;

/** One chunk to register: segments of local memory the peer may read or write. */
public record ChunkRequest(List<Segment> segments, Direction direction) {
    public ChunkRequest {
        segments = List.copyOf(segments);
    }

    public static ChunkRequest of(Direction direction, Segment... segments) {
        return new ChunkRequest(List.of(segments), direction);
    }
}
