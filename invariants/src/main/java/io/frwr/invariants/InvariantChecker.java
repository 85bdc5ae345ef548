package io.frwr.invariants;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.verbs.RKey;
import io.frwr.verbs.sim.SimStats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one checker of the invariants in docs/architecture.md, over plain inputs: an {@link MrAudit}, the {@link Holding}s a
 * caller holds, an {@link RkeyProbe}, the requests still without an answer, the fabric's {@link SimStats}.
 * Each check returns its violations, empty when the invariant holds; the testkit and the load generator adapt
 * their own books to these inputs, so a rule is written once and named once ({@link Invariant}).
 * The checks that watch a run as it goes live next to it: {@link ReleaseWatch}, {@link OwnershipWatch}.
 */
public final class InvariantChecker {
    private InvariantChecker() {
    }

    /** free + registered + recovering + orphaned = allocated, and the audit's slots agree with those counts. */
    public static List<Violation> mrConservation(MrAudit audit) {
        final List<Violation> out = new ArrayList<>();
        final PoolOccupancy o = audit.occupancy();
        if (!o.conserved()) {
            out.add(new Violation(Invariant.MR_CONSERVATION, o + " does not add up"));
        }
        final long live = audit.slots().size() - audit.count(MrAudit.Where.DESTROYED);
        if (live != o.allocated() || audit.count(MrAudit.Where.FREE) != o.free()
                || audit.count(MrAudit.Where.REGISTERED) != o.registered()
                || audit.count(MrAudit.Where.RECOVERING) != o.recovering()
                || audit.count(MrAudit.Where.ORPHANED) != o.orphaned()) {
            out.add(new Violation(Invariant.MR_CONSERVATION, "the audit's slots (" + live + " live, "
                    + audit.count(MrAudit.Where.FREE) + " free, " + audit.count(MrAudit.Where.REGISTERED)
                    + " registered, " + audit.count(MrAudit.Where.RECOVERING) + " recovering, "
                    + audit.count(MrAudit.Where.ORPHANED) + " orphaned) disagree with " + o));
        }
        return out;
    }

    /**
     * Once every request has ended and recovery had time to finish, nothing is registered and nothing is
     * recovering: an MR still registered then has no owner left to invalidate it.
     */
    public static List<Violation> mrSettled(MrAudit audit) {
        final PoolOccupancy o = audit.occupancy();
        if (o.registered() == 0 && o.recovering() == 0) {
            return List.of();
        }
        return List.of(new Violation(Invariant.MR_CONSERVATION, o.registered() + " MRs still registered and "
                + o.recovering() + " recovering after every request ended: " + o));
    }

    /**
     * No MR is owned twice: no MR (rkey index) appears in two holdings, and no registered slot of the audit
     * carries a newer key than the holding that claims its MR ({@code audit} may be null to skip that part).
     */
    public static List<Violation> singleOwnership(Collection<Holding> held, MrAudit audit) {
        final List<Violation> out = new ArrayList<>();
        final Map<Integer, Holding> byIndex = new HashMap<>();
        for (Holding h : held) {
            for (int rkey : h.rkeys()) {
                final Holding other = byIndex.putIfAbsent(RKey.index(rkey), h);
                if (other != null && other != h) {
                    out.add(new Violation(Invariant.SINGLE_OWNERSHIP, "MR index " + RKey.index(rkey) + " (rkey "
                            + RKey.format(rkey) + ") is held by " + other.owner() + " and " + h.owner()));
                }
            }
        }
        if (audit != null) {
            for (MrAudit.Slot s : audit.slots()) {
                if (s.where() == MrAudit.Where.REGISTERED && s.rkey() >= 0) {
                    final Holding owner = byIndex.get(RKey.index((int) s.rkey()));
                    if (owner != null && !owner.rkeys().contains((int) s.rkey())) {
                        out.add(new Violation(Invariant.SINGLE_OWNERSHIP, "slot " + s.slot() + " is registered as "
                                + RKey.format((int) s.rkey()) + " but " + owner.owner()
                                + " holds an older key of that MR"));
                    }
                }
            }
        }
        return out;
    }

    /** The fabric's self-check: no remote access passed with an rkey that was not a valid MR's live rkey. */
    public static List<Violation> noStaleRkeyAccess(SimStats stats) {
        return noStaleRkeyAccess(stats.staleRkeyAccessSucceeded());
    }

    /** {@return one violation if any remote access succeeded with an invalidated or old rkey, else none} */
    public static List<Violation> noStaleRkeyAccess(long staleRkeyAccessSucceeded) {
        if (staleRkeyAccessSucceeded == 0) {
            return List.of();
        }
        return List.of(new Violation(Invariant.NO_STALE_RKEY_ACCESS, staleRkeyAccessSucceeded
                + " remote accesses succeeded with an invalidated or old rkey"));
    }

    /**
     * At the moment memory is handed back to its caller ({@code who}): none of the rkeys that exposed it may be
     * reachable by a peer. A live but unreachable rkey (its PD has no QP left a peer could target) is allowed.
     */
    public static List<Violation> handedBack(String who, Collection<Integer> rkeys, RkeyProbe probe) {
        final List<Violation> out = new ArrayList<>();
        for (int rkey : rkeys) {
            if (probe.isReachable(rkey)) {
                out.add(earlyRelease(who, rkey));
            }
        }
        return out;
    }

    static Violation earlyRelease(String who, int rkey) {
        return new Violation(Invariant.NO_EARLY_RELEASE, who + " was handed back while rkey " + RKey.format(rkey)
                + " is live and reachable (a QP of its protection domain is in RTR/RTS): the peer could still"
                + " write it");
    }

    /** Every request issued got its answer: {@code unanswered} describes those that did not. */
    public static List<Violation> everyCallEnded(Collection<String> unanswered) {
        final List<Violation> out = new ArrayList<>();
        for (String s : unanswered) {
            out.add(new Violation(Invariant.EVERY_CALL_ENDS, s + " has had no answer"));
        }
        return out;
    }

    /**
     * One party's books for its requests: every one issued ended in success or failure, and none is still
     * open. {@code who} names the books ("workers", "client").
     */
    public static List<Violation> callsAccountedFor(String who, long issued, long succeeded, long failed,
                                                    long stillOpen) {
        final List<Violation> out = new ArrayList<>();
        if (issued != succeeded + failed) {
            out.add(new Violation(Invariant.EVERY_CALL_ENDS, who + ": issued " + issued + " != succeeded "
                    + succeeded + " + failed " + failed + " (" + (issued - succeeded - failed) + " missing)"));
        }
        if (stillOpen != 0) {
            out.add(new Violation(Invariant.EVERY_CALL_ENDS, who + ": " + stillOpen + " still open"));
        }
        return out;
    }

    /**
     * No post_send was refused because the send queue was full. {@code overflows} must count only the device's
     * own refusals, never injected failures (the fabric marks those); {@code evidence} is what the poster saw.
     */
    public static List<Violation> sendQueueWithinCapacity(String where, long overflows, List<String> evidence) {
        if (overflows == 0) {
            return List.of();
        }
        return List.of(new Violation(Invariant.SEND_QUEUE_CAPACITY, where + ": " + overflows
                + " post_send refused because the send queue was full"
                + (evidence.isEmpty() ? "" : " (" + String.join(" | ", evidence) + ")")));
    }

    /** Every READ checked against the last successful WRITE matched it. */
    public static List<Violation> dataReadBack(long mismatches, List<String> details) {
        if (mismatches == 0) {
            return List.of();
        }
        return List.of(new Violation(Invariant.DATA_INTEGRITY, mismatches + " mismatches: "
                + String.join(" | ", details)));
    }
}
