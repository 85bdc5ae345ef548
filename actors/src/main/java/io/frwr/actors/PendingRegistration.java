package io.frwr.actors;

import java.util.ArrayList;
import java.util.List;

/**
 * A registration on a provider that chooses rkeys when the registration executes (DiSNI): every FAST_REG
 * is signaled, and the caller hears back only when all of them completed, with the rkeys the provider
 * chose. If any of them failed, the whole registration fails and its MRs go to recovery.
 */
final class PendingRegistration {
    final RdmaTransport.Register request;
    final List<List<Handle>> plannedHandles;
    final List<MappedMr> mapped;
    final List<MappedMr> reserved;
    private int remaining;
    private String failure;

    PendingRegistration(RdmaTransport.Register request, List<List<Handle>> plannedHandles, List<MappedMr> mapped,
                        List<MappedMr> reserved) {
        this.request = request;
        this.plannedHandles = plannedHandles;
        this.mapped = mapped;
        this.reserved = reserved;
        this.remaining = mapped.size();
    }

    /** Returns true when this was the last FAST_REG to complete. */
    boolean completed(String failureOrNull) {
        if (failureOrNull != null && failure == null) {
            failure = failureOrNull;
        }
        return --remaining == 0;
    }

    /** A failure after every FAST_REG completed (the message could not be built). */
    void failed(String why) {
        failure = why;
    }

    String failure() {
        return failure;
    }

    /** The MRs with the rkeys the provider installed, in mapping order. */
    List<MappedMr> installed() {
        final List<MappedMr> out = new ArrayList<>(mapped.size());
        for (MappedMr m : mapped) {
            out.add(new MappedMr(m.mr(), m.generation(), m.mr().mr().rkey()));
        }
        return out;
    }

    /** The planned handles with each MR's installed rkey in place of the requested one. */
    static List<List<Handle>> withRkeys(List<List<Handle>> planned, List<MappedMr> installed) {
        final List<List<Handle>> out = new ArrayList<>(planned.size());
        int next = 0;
        for (List<Handle> chunk : planned) {
            final List<Handle> c = new ArrayList<>(chunk.size());
            for (Handle h : chunk) {
                c.add(new Handle(installed.get(next++).rkey(), h.length(), h.offset()));
            }
            out.add(List.copyOf(c));
        }
        return List.copyOf(out);
    }
}
