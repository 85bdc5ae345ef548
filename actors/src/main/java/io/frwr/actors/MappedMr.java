package io.frwr.actors;

import java.util.ArrayList;
import java.util.List;

/** One MR of a registration: the slot, the generation it was mapped in, and the rkey installed. */
record MappedMr(PooledMr mr, int generation, int rkey) {
    /** MRs acquired and never mapped (still INVALID, no rkey installed), at their current generation. */
    static List<MappedMr> unmapped(List<PooledMr> mrs) {
        final List<MappedMr> out = new ArrayList<>(mrs.size());
        for (PooledMr p : mrs) {
            out.add(new MappedMr(p, p.generation(), 0));
        }
        return out;
    }
}
