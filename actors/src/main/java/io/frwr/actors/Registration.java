package io.frwr.actors;

import java.util.List;

/**
 * The result of one Register: per requested chunk, the handles that cover it (one per MR; a chunk longer
 * than one MR maps is split over several). Give it back to Invalidate of the same transport; a second
 * Invalidate gets the same answer as the first, when the first gets it.
 *
 * <p>Immutable. It names the transport that made it (a foreign registration is refused with BAD_REQUEST
 * instead of invalidating another transport's MR of the same index) and, per MR, the slot generation it was
 * mapped in, so nothing the transport did after mapping can be mistaken for this registration.
 */
public final class Registration {
    private final Object transport;
    private final long id;
    private final List<List<Handle>> chunks;
    final List<MappedMr> mapped;
    /** Batch acquisition only: MRs reserved for the call but not mapped (the old design's cost). */
    final List<MappedMr> reserved;

    Registration(Object transport, long id, List<List<Handle>> chunks, List<MappedMr> mapped,
                 List<MappedMr> reserved) {
        this.transport = transport;
        this.id = id;
        this.chunks = chunks;
        this.mapped = List.copyOf(mapped);
        this.reserved = List.copyOf(reserved);
    }

    /** {@return the number this transport gave the registration, unique within it} */
    public long id() {
        return id;
    }

    /** Handles of the i-th requested chunk, in order. */
    public List<Handle> chunk(int i) {
        return chunks.get(i);
    }

    /** {@return the handles of each chunk, in request order: what the peer is told} */
    public List<List<Handle>> chunks() {
        return chunks;
    }

    /** How many MRs this registration holds (mapped plus reserved). */
    public int mrCount() {
        return mapped.size() + reserved.size();
    }

    /** True if {@code rkey} is one of this registration's handles. */
    public boolean hasRkey(int rkey) {
        for (MappedMr m : mapped) {
            if (m.rkey() == rkey) {
                return true;
            }
        }
        return false;
    }

    /** True if the transport identified by {@code token} made this registration. */
    boolean madeBy(Object token) {
        return transport == token;
    }

    @Override
    public String toString() {
        return "Registration#" + id + chunks;
    }
}
