package io.frwr.invariants;

/**
 * One broken invariant with what was seen. A value, not an exception: checkers collect every violation so a
 * failing test or run shows all of them at once, and {@link #toString()} is the one line both tools print.
 */
public record Violation(Invariant invariant, String message) {
    /** A violation always names its invariant and what was seen. */
    public Violation {
        if (invariant == null || message == null) {
            throw new IllegalArgumentException("a violation names its invariant and what was seen");
        }
    }

    @Override
    public String toString() {
        return invariant.label() + ": " + message;
    }
}
