package io.frwr.testkit;

import io.frwr.actors.Handle;
import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.Registration;
import io.frwr.verbs.RKey;
import io.frwr.verbs.sim.SimStats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The transport's invariants (DESIGN.md), checked against one {@link FrwrTestKit} at a quiescent point (after
 * {@link FrwrTestKit#runUntilQuiet()} or an await). Each check returns its violations, empty when the
 * invariant holds; {@link #assertAll()} fails with every violation, the seed and the faults applied.
 */
public final class Invariants {
    /** One broken invariant, with what was seen. */
    public record Violation(String invariant, String message) {
        @Override
        public String toString() {
            return invariant + ": " + message;
        }
    }

    private final FrwrTestKit kit;

    Invariants(FrwrTestKit kit) {
        this.kit = kit;
    }

    /** free + registered + recovering + orphaned = allocated, and the audit's slots agree with those counts. */
    public List<Violation> mrConservation() {
        return mrConservation(kit.audit());
    }

    /** The conservation check on one audit (package-private so a test can hand it a broken one). */
    static List<Violation> mrConservation(MrAudit audit) {
        final List<Violation> out = new ArrayList<>();
        final PoolOccupancy o = audit.occupancy();
        if (!o.conserved()) {
            out.add(new Violation("MR conservation", o + " does not add up"));
        }
        final long live = audit.slots().size() - audit.count(MrAudit.Where.DESTROYED);
        if (live != o.allocated() || audit.count(MrAudit.Where.FREE) != o.free()
                || audit.count(MrAudit.Where.REGISTERED) != o.registered()
                || audit.count(MrAudit.Where.RECOVERING) != o.recovering()
                || audit.count(MrAudit.Where.ORPHANED) != o.orphaned()) {
            out.add(new Violation("MR conservation", "the audit's slots (" + live + " live, "
                    + audit.count(MrAudit.Where.FREE) + " free, " + audit.count(MrAudit.Where.REGISTERED)
                    + " registered, " + audit.count(MrAudit.Where.RECOVERING) + " recovering, "
                    + audit.count(MrAudit.Where.ORPHANED) + " orphaned) disagree with " + o));
        }
        return out;
    }

    /**
     * No MR is owned twice: no hardware MR (rkey index) appears in two registrations the test holds, and no
     * registered slot's rkey is handed out by two of them.
     */
    public List<Violation> noMrOwnedTwice(Collection<Registration> held) {
        return noMrOwnedTwice(held, kit.audit());
    }

    static List<Violation> noMrOwnedTwice(Collection<Registration> held, MrAudit audit) {
        final List<Violation> out = new ArrayList<>();
        final Map<Integer, Registration> byIndex = new HashMap<>();
        for (Registration r : held) {
            for (List<Handle> chunk : r.chunks()) {
                for (Handle h : chunk) {
                    final Registration other = byIndex.putIfAbsent(RKey.index(h.rkey()), r);
                    if (other != null && other != r) {
                        out.add(new Violation("single MR ownership", "MR index " + RKey.index(h.rkey())
                                + " (rkey " + RKey.format(h.rkey()) + ") is held by " + other + " and " + r));
                    }
                }
            }
        }
        for (MrAudit.Slot s : audit.slots()) {
            if (s.where() == MrAudit.Where.REGISTERED && s.rkey() >= 0) {
                final Registration owner = byIndex.get(RKey.index((int) s.rkey()));
                if (owner != null && !owner.hasRkey((int) s.rkey()) && !hasHandle(owner, (int) s.rkey())) {
                    out.add(new Violation("single MR ownership", "slot " + s.slot() + " is registered as "
                            + RKey.format((int) s.rkey()) + " but " + owner + " holds an older key of that MR"));
                }
            }
        }
        return out;
    }

    private static boolean hasHandle(Registration r, int rkey) {
        for (List<Handle> chunk : r.chunks()) {
            for (Handle h : chunk) {
                if (h.rkey() == rkey) {
                    return true;
                }
            }
        }
        return false;
    }

    /** No remote access passed the checks with an rkey that was not the live rkey of a valid MR. */
    public List<Violation> noStaleRkeyAccess() {
        return noStaleRkeyAccess(kit.fabric().stats());
    }

    static List<Violation> noStaleRkeyAccess(SimStats s) {
        if (s.staleRkeyAccessSucceeded() == 0) {
            return List.of();
        }
        return List.of(new Violation("stale rkey", s.staleRkeyAccessSucceeded()
                + " remote accesses succeeded with an invalidated or old rkey"));
    }

    /**
     * No caller buffer was handed back while the peer could still reach it: at every Invalidated and every
     * call result the kit delivered, each rkey involved was already dead.
     */
    public List<Violation> noEarlyRelease() {
        return noEarlyRelease(kit.ledger());
    }

    static List<Violation> noEarlyRelease(Ledger ledger) {
        final List<Violation> out = new ArrayList<>();
        for (String s : ledger.earlyReleases()) {
            out.add(new Violation("fenced release", s));
        }
        return out;
    }

    /** Every Register, Invalidate and Call issued through the kit got its answer. */
    public List<Violation> everyCallEnded() {
        return everyCallEnded(kit.ledger());
    }

    static List<Violation> everyCallEnded(Ledger ledger) {
        final List<Violation> out = new ArrayList<>();
        for (String s : ledger.unanswered()) {
            out.add(new Violation("every call ends", s + " has had no answer"));
        }
        return out;
    }

    /** The transport never overflowed a send queue: no post_send failed "send queue full" unless injected. */
    public List<Violation> sendQueueNeverOverCapacity() {
        return sendQueueNeverOverCapacity(kit.postFailures());
    }

    static List<Violation> sendQueueNeverOverCapacity(List<ObservedDevice.PostFailure> failures) {
        final List<Violation> out = new ArrayList<>();
        for (ObservedDevice.PostFailure f : failures) {
            if (f.sendQueueOverflow() && !f.injected()) {
                out.add(new Violation("send-queue capacity", "QP " + f.qpNum() + ": " + f.message()));
            }
        }
        return out;
    }

    /** Every check above, with the registrations the kit saw registered and not invalidated. */
    public List<Violation> all() {
        final List<Violation> out = new ArrayList<>();
        out.addAll(mrConservation());
        out.addAll(noMrOwnedTwice(kit.heldRegistrations()));
        out.addAll(noStaleRkeyAccess());
        out.addAll(noEarlyRelease());
        out.addAll(everyCallEnded());
        out.addAll(sendQueueNeverOverCapacity());
        return out;
    }

    /** Fails with every violation, the fabric seed and the faults applied. */
    public void assertAll() {
        final List<Violation> v = all();
        if (!v.isEmpty()) {
            final StringBuilder sb = new StringBuilder(v.size() + " invariant violation(s) (fabric seed "
                    + kit.fabric().seed() + ", faults applied " + kit.appliedFaults() + "):");
            v.forEach(x -> sb.append("\n  ").append(x));
            throw new AssertionError(sb.toString());
        }
    }
}
