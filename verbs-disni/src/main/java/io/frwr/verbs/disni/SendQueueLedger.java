package io.frwr.verbs.disni;

import io.frwr.verbs.Opcode;

import java.util.ArrayDeque;

/**
 * The natively posted send WRs that have not completed, in posting order. Each gets our own sequence
 * number as its native wr_id: the posted opcode cannot be read back from an error completion, and an
 * unsignaled WR is known to be done only when a later one completes (the send queue executes in order).
 * Not thread-safe: the owning QP guards it.
 */
final class SendQueueLedger {
    /** One posted WR: the caller's wr_id and opcode, and whether it asked for a completion. */
    record Entry(long seq, long wrId, Opcode opcode, boolean signaled) {
    }

    private final ArrayDeque<Entry> outstanding = new ArrayDeque<>();
    private long nextSeq = 1;

    long add(long wrId, Opcode opcode, boolean signaled) {
        final long seq = nextSeq++;
        outstanding.addLast(new Entry(seq, wrId, opcode, signaled));
        return seq;
    }

    /** Undo the last {@link #add}: its post failed, so it will never complete. */
    void removeLast() {
        outstanding.pollLast();
    }

    /** Retire every entry up to and including {@code seq}; returns the one for {@code seq}, or null if unknown. */
    Entry retireThrough(long seq) {
        if (outstanding.isEmpty() || outstanding.peekFirst().seq() > seq) {
            return null;
        }
        Entry e;
        do {
            e = outstanding.pollFirst();
        } while (e.seq() < seq && !outstanding.isEmpty());
        return e.seq() == seq ? e : null;
    }

    int size() {
        return outstanding.size();
    }
}
