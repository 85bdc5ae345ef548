package io.frwr.actors;

import java.util.List;

/**
 * The result of one Register: per requested chunk, the handles that cover it (one per MR; a chunk longer
 * than one MR maps is split over several). Give it back to Invalidate exactly once.
 */
public final class Registration {
    private final long id;
    private final List<List<Handle>> chunks;
    final List<MappedMr> mapped;
    /** Batch acquisition only: MRs reserved for the call but not mapped (the old design's cost). */
    final List<MappedMr> reserved;
    /** Written only by the QueuePair actor. */
    boolean invalidated;

    Registration(long id, List<List<Handle>> chunks, List<MappedMr> mapped, List<MappedMr> reserved) {
        this.id = id;
        this.chunks = chunks;
        this.mapped = mapped;
        this.reserved = reserved;
    }

    public long id() {
        return id;
    }

    /** Handles of the i-th requested chunk, in order. */
    public List<Handle> chunk(int i) {
        return chunks.get(i);
    }

    public List<List<Handle>> chunks() {
        return chunks;
    }

    /** How many MRs this registration holds (mapped plus reserved). */
    public int mrCount() {
        return mapped.size() + reserved.size();
    }

    /** True if {@code rkey} is one of this registration's handles (remote invalidation checks this). */
    public boolean hasRkey(int rkey) {
        for (MappedMr m : mapped) {
            if (m.rkey() == rkey) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Registration#" + id + chunks;
    }
}
