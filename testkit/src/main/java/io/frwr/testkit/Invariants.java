package io.frwr.testkit;

import io.frwr.actors.Handle;
import io.frwr.actors.Registration;
import io.frwr.invariants.Holding;
import io.frwr.invariants.InvariantChecker;
import io.frwr.invariants.Violation;
import io.frwr.verbs.Errno;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transport's invariants (docs/architecture.md), checked against one {@link FrwrTestKit} at a quiescent point (after
 * {@link FrwrTestKit#runUntilQuiet()} or an await). A thin adapter: the rules and their names live in
 * {@code io.frwr.invariants.InvariantChecker}, shared with the load generator; this class hands it the kit's
 * books. Each check returns its violations, empty when the invariant holds; {@link #assertAll()} fails with
 * every violation, the seed and the faults applied.
 */
public final class Invariants {
    private final FrwrTestKit kit;

    Invariants(FrwrTestKit kit) {
        this.kit = kit;
    }

    /** free + registered + recovering + orphaned = allocated, and the audit's slots agree with those counts. */
    public List<Violation> mrConservation() {
        return InvariantChecker.mrConservation(kit.audit());
    }

    /**
     * No MR is owned twice: no hardware MR (rkey index) appears in two registrations the test holds, and no
     * registered slot's rkey is newer than the key the registration holding that MR was handed.
     */
    public List<Violation> noMrOwnedTwice(Collection<Registration> held) {
        return InvariantChecker.singleOwnership(holdings(held), kit.audit());
    }

    /** One holding per registration object: the same registration listed twice is one owner. */
    static List<Holding> holdings(Collection<Registration> held) {
        final Map<Registration, Holding> byRegistration = new IdentityHashMap<>();
        final List<Holding> out = new ArrayList<>();
        for (Registration r : held) {
            if (!byRegistration.containsKey(r)) {
                final Holding h = new Holding(r.toString(), rkeys(r));
                byRegistration.put(r, h);
                out.add(h);
            }
        }
        return out;
    }

    static List<Integer> rkeys(Registration r) {
        final List<Integer> rkeys = new ArrayList<>();
        for (List<Handle> chunk : r.chunks()) {
            for (Handle h : chunk) {
                rkeys.add(h.rkey());
            }
        }
        return rkeys;
    }

    /** No remote access passed the checks with an rkey that was not the live rkey of a valid MR. */
    public List<Violation> noStaleRkeyAccess() {
        return InvariantChecker.noStaleRkeyAccess(kit.fabric().stats());
    }

    /**
     * No caller buffer was handed back while the peer could still reach it: at every Invalidated and every
     * call result the kit delivered, no rkey involved was reachable (live, with a QP of its PD in RTR/RTS).
     */
    public List<Violation> noEarlyRelease() {
        return kit.ledger().earlyReleases();
    }

    /** Every Register, Invalidate and Call issued through the kit got its answer. */
    public List<Violation> everyCallEnded() {
        return InvariantChecker.everyCallEnded(kit.ledger().unanswered());
    }

    /**
     * The transport never overflowed a send queue: the fabric refused no post of the client device for a full
     * queue. Injected post failures are not counted there (the fabric marks them), whatever their errno.
     */
    public List<Violation> sendQueueNeverOverCapacity() {
        return sendQueueNeverOverCapacity(kit.clientDevice().sendQueueOverflows(), kit.postFailures());
    }

    /** The verdict is the fabric's count; the transport's refused ENOMEM posts are shown as evidence. */
    static List<Violation> sendQueueNeverOverCapacity(long overflows, List<ObservedDevice.PostFailure> failures) {
        final List<String> evidence = new ArrayList<>();
        for (ObservedDevice.PostFailure f : failures) {
            if (f.errno() == Errno.ENOMEM) {
                evidence.add("QP " + f.qpNum() + ": " + f.message());
            }
        }
        return InvariantChecker.sendQueueWithinCapacity("client", overflows, evidence);
    }

    /**
     * Every check above, for every transport of the kit (each with the registrations the kit saw it register
     * and not invalidate), plus the fabric-wide stale-rkey check.
     */
    public List<Violation> all() {
        final List<Violation> out = new ArrayList<>();
        for (KitTransport t : kit.transports()) {
            out.addAll(of(t));
        }
        out.addAll(noStaleRkeyAccess());
        return out;
    }

    /** The per-transport checks on one transport of the kit. */
    public List<Violation> of(KitTransport t) {
        final List<Violation> out = new ArrayList<>();
        final io.frwr.actors.MrAudit audit = t.audit();
        out.addAll(InvariantChecker.mrConservation(audit));
        out.addAll(InvariantChecker.singleOwnership(holdings(t.heldRegistrations()), audit));
        out.addAll(t.ledger().earlyReleases());
        out.addAll(InvariantChecker.everyCallEnded(t.ledger().unanswered()));
        out.addAll(sendQueueNeverOverCapacity(t.device().sendQueueOverflows(), t.observed().postFailures()));
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
