package io.frwr.invariants;

import java.util.List;

/**
 * One invariant judged over a whole run, as a report prints it: whether it held and the numbers that show it.
 * The load generator prints one line per verdict ({@code [OK] name: detail}); a failed verdict carries the
 * violations that failed it, so the report and the testkit say the same thing about the same fault.
 */
public record Verdict(Invariant invariant, boolean ok, String detail, List<Violation> violations) {
    /** Copies the violations, so a verdict never changes after it is given. */
    public Verdict {
        violations = List.copyOf(violations);
    }

    /**
     * Held when there are no violations; the detail is the run's numbers, followed by each violation's message
     * when there are some.
     */
    public static Verdict of(Invariant invariant, String numbers, List<Violation> violations) {
        if (violations.isEmpty()) {
            return new Verdict(invariant, true, numbers, violations);
        }
        final StringBuilder d = new StringBuilder(numbers);
        for (Violation v : violations) {
            d.append(d.length() == 0 ? "" : "; ").append(v.message());
        }
        return new Verdict(invariant, false, d.toString(), violations);
    }

    /** A check this provider cannot observe: held by default, said so in the detail. */
    public static Verdict skipped(Invariant invariant, String why) {
        return new Verdict(invariant, true, "not observable " + why + " (skipped)", List.of());
    }

    /** The printed name, the invariant's label. */
    public String name() {
        return invariant.label();
    }

    /** {@return whether every verdict held} */
    public static boolean allOk(List<Verdict> verdicts) {
        return verdicts.stream().allMatch(Verdict::ok);
    }
}
