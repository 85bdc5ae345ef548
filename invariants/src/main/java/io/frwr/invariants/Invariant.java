package io.frwr.invariants;

import java.util.HashSet;
import java.util.Set;

/**
 * The transport's invariants (docs/architecture.md), one descriptor each, so that the load generator's report, the
 * testkit's violations and the docs print the same name for the same rule. Like a counter list, the ids are
 * stable (a report or a saved log may name them) and checked for duplicates when the class loads.
 *
 * <h2>Where each one is checked</h2>
 * <ul>
 *   <li>The testkit checks every invariant but data integrity and clean shutdown on one stepped fabric, at
 *       quiescent points; early release at the moment each reply is delivered.</li>
 *   <li>The load generator checks all of them on a FREE-mode fabric with real threads: single ownership as each
 *       call's SEND is posted, early release as each worker receives its call's result, the rest once the run
 *       has settled.</li>
 * </ul>
 */
public enum Invariant {
    MR_CONSERVATION(1, "MR conservation",
            "free + registered + recovering + orphaned = allocated at every quiescent point"),
    SINGLE_OWNERSHIP(2, "single MR ownership",
            "no MR is handed to two owners"),
    NO_STALE_RKEY_ACCESS(3, "no stale rkey access",
            "a remote access with an invalidated or old rkey never touches memory"),
    NO_EARLY_RELEASE(4, "no early release",
            "no caller buffer is handed back while a peer can still reach it"),
    EVERY_CALL_ENDS(5, "every call ends",
            "every request ends: a reply or a specific error, no hang, no silent loss"),
    SEND_QUEUE_CAPACITY(6, "send queue within capacity",
            "send-queue entries in use never exceed the QP's capacity, FAST_REG and LOCAL_INV included"),
    DATA_INTEGRITY(7, "data read back equals data written",
            "what a READ returns is what the last successful WRITE stored"),
    CLEAN_SHUTDOWN(8, "clean shutdown",
            "Shutdown is confirmed and leaves no MR allocated");

    private final int id;
    private final String label;
    private final String rule;

    Invariant(int id, String label, String rule) {
        this.id = id;
        this.label = label;
        this.rule = rule;
    }

    static {
        final Set<Integer> ids = new HashSet<>();
        final Set<String> labels = new HashSet<>();
        for (Invariant i : values()) {
            if (!ids.add(i.id) || !labels.add(i.label)) {
                throw new ExceptionInInitializerError("duplicate invariant id or label: " + i);
            }
        }
    }

    /** Stable id: never reused for another rule. */
    public int id() {
        return id;
    }

    /** The name every tool prints. */
    public String label() {
        return label;
    }

    /** The rule in one line, as docs/architecture.md states it. */
    public String rule() {
        return rule;
    }

    @Override
    public String toString() {
        return label;
    }
}
