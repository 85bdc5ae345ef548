package io.frwr.invariants;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The early-release check as a run goes: "handed back while reachable" is a fact about one moment, so whoever
 * hands memory back (a reply interceptor, a worker receiving its call's result) calls {@link #handedBack} then,
 * and the violations are read at the end. Thread-safe; keeps the first {@value #KEPT} violations and counts all.
 */
public final class ReleaseWatch {
    static final int KEPT = 100;

    private final RkeyProbe probe;
    private final List<Violation> kept = new ArrayList<>();
    private final AtomicLong checked = new AtomicLong();
    private final AtomicLong rkeysChecked = new AtomicLong();
    private final AtomicLong liveButUnreachable = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();
    /**
     * Handed back while live but unreachable (a deregistration failed): they must stay out of reach for good,
     * which only a later look can tell (a QP of the same PD made after the hand-back would reach them again).
     */
    private final java.util.Map<Integer, String> parkedLive = new java.util.LinkedHashMap<>();
    private static final int PARKED_MAX = 10_000;

    /** A watch that asks {@code probe} at each hand-back whether the rkeys are still reachable. */
    public ReleaseWatch(RkeyProbe probe) {
        this.probe = probe;
    }

    /** {@code who}'s memory is being handed back now; {@code rkeys} are every rkey that ever exposed it. */
    public void handedBack(String who, Collection<Integer> rkeys) {
        checked.incrementAndGet();
        for (int rkey : rkeys) {
            rkeysChecked.incrementAndGet();
            if (probe.isReachable(rkey)) {
                violations.incrementAndGet();
                synchronized (kept) {
                    if (kept.size() < KEPT) {
                        kept.add(InvariantChecker.earlyRelease(who, rkey));
                    }
                }
            } else if (probe.isLive(rkey)) {
                liveButUnreachable.incrementAndGet();
                synchronized (kept) {
                    if (parkedLive.size() < PARKED_MAX) {
                        parkedLive.put(rkey, who);
                    }
                }
            }
        }
    }

    /**
     * Looks again at every rkey that was live but unreachable when its memory was handed back: one that a peer
     * can reach now (say, through a new connection in the same protection domain) is an early release after
     * all. One that is no longer live is forgotten. Call at quiescent points and at the end of a run.
     */
    public void recheck() {
        synchronized (kept) {
            parkedLive.entrySet().removeIf(e -> {
                if (!probe.isLive(e.getKey())) {
                    return true;
                }
                if (probe.isReachable(e.getKey())) {
                    violations.incrementAndGet();
                    if (kept.size() < KEPT) {
                        kept.add(InvariantChecker.earlyRelease(e.getValue() + ", live but unreachable when handed"
                                + " back, reachable again later,", e.getKey()));
                    }
                    return true;
                }
                return false;
            });
        }
    }

    /** The violations kept (the first {@value #KEPT}). */
    public List<Violation> violations() {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }

    /** Every violation seen, kept or not. */
    public long violationCount() {
        return violations.get();
    }

    /** Hand-backs checked. */
    public long checked() {
        return checked.get();
    }

    /** {@return how many rkeys the hand-backs carried} */
    public long rkeysChecked() {
        return rkeysChecked.get();
    }

    /** rkeys still live at their hand-back but out of every peer's reach (allowed, and worth a number). */
    public long liveButUnreachable() {
        return liveButUnreachable.get();
    }

    /** The numbers for a report line. */
    public String summary() {
        return checked() + " hand-backs checked (" + rkeysChecked() + " rkeys), " + violationCount()
                + " while reachable, " + liveButUnreachable() + " live but unreachable";
    }

    @Override
    public String toString() {
        return "ReleaseWatch{" + summary() + "}";
    }
}
