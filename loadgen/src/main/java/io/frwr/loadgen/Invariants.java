package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.invariants.Invariant;
import io.frwr.invariants.InvariantChecker;
import io.frwr.invariants.Verdict;
import io.frwr.invariants.Violation;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The invariants of docs/architecture.md judged on one run: this class turns the run's numbers into the shared
 * checker's inputs ({@code io.frwr.invariants}) and prints one {@link Verdict} per invariant, under the names the
 * testkit uses. Single ownership and early release were watched while the run went ({@link CallBook}); the rest are
 * judged once every call ended and the pool settled.
 */
public final class Invariants {
    private Invariants() {
    }

    /** {@return one verdict per invariant, in the order the report prints them} */
    public static List<Verdict> check(RunResult r) {
        return List.of(everyCallEnded(r), dataReadBack(r), mrConservation(r), singleOwnership(r), noEarlyRelease(r),
                noStaleRkeyAccess(r), sendQueueWithinCapacity(r), cleanShutdown(r));
    }

    /** {@return whether every verdict held (exit code 0)} */
    public static boolean allOk(List<Verdict> verdicts) {
        return Verdict.allOk(verdicts);
    }

    static Verdict everyCallEnded(RunResult r) {
        final long ended = r.succeeded() + r.failed();
        final List<Violation> v = new ArrayList<>(InvariantChecker.callsAccountedFor("workers", r.issued(),
                r.succeeded(), r.failed(), 0));
        final StringBuilder d = new StringBuilder("issued " + r.issued() + " = succeeded " + r.succeeded()
                + " + failed " + r.failed());
        if (r.issued() != ended) {
            d.append(" MISSING ").append(r.issued() - ended);
        }
        final ClientStats c = r.clientFinal();
        if (c == null) {
            v.add(new Violation(Invariant.EVERY_CALL_ENDS, "the client never confirmed its Shutdown"));
            return Verdict.of(Invariant.EVERY_CALL_ENDS, d.toString(), v);
        }
        long clientFailed = 0;
        for (ClientCounter k : ClientCounter.values()) {
            if (k.label().startsWith("failed_")) {
                clientFailed += c.get(k);
            }
        }
        final long calls = c.get(ClientCounter.CALLS);
        final long clientSucceeded = c.get(ClientCounter.SUCCEEDED);
        d.append("; client: calls ").append(calls).append(" = succeeded ").append(clientSucceeded)
                .append(" + failed ").append(clientFailed).append(", outstanding ").append(c.outstanding())
                .append(" queued ").append(c.queued()).append(" after Shutdown");
        v.addAll(InvariantChecker.callsAccountedFor("client", calls, clientSucceeded, clientFailed,
                (long) c.outstanding() + c.queued()));
        if (calls != r.issued()) {
            v.add(new Violation(Invariant.EVERY_CALL_ENDS, "the client counted " + calls + " calls, the workers issued "
                    + r.issued()));
        }
        return Verdict.of(Invariant.EVERY_CALL_ENDS, d.toString(), v);
    }

    static Verdict dataReadBack(RunResult r) {
        final String d = r.verifiedReads() + " READs checked against the last successful WRITE, "
                + r.unverifiedReads() + " skipped (region unknown after a failed WRITE), " + r.mismatches()
                + " mismatches";
        return Verdict.of(Invariant.DATA_INTEGRITY, d, InvariantChecker.dataReadBack(r.mismatches(),
                r.mismatchDetails()));
    }

    static Verdict mrConservation(RunResult r) {
        final MrAudit a = r.audit();
        final PoolOccupancy o = a.occupancy();
        final List<Violation> v = new ArrayList<>(InvariantChecker.mrConservation(a));
        v.addAll(InvariantChecker.mrSettled(a));
        if (!r.quiesced()) {
            v.add(new Violation(Invariant.MR_CONSERVATION, "the pool did not settle within "
                    + DurationArg.format(LoadSession.QUIESCE_BOUND)));
        }
        final String d = "free " + o.free() + " + registered " + o.registered() + " + recovering " + o.recovering()
                + " + orphaned " + o.orphaned() + (o.conserved() ? " = " : " != ") + "allocated " + o.allocated();
        return Verdict.of(Invariant.MR_CONSERVATION, d, v);
    }

    static Verdict singleOwnership(RunResult r) {
        return watched(Invariant.SINGLE_OWNERSHIP, r.ownership());
    }

    static Verdict noEarlyRelease(RunResult r) {
        return watched(Invariant.NO_EARLY_RELEASE, r.releases());
    }

    private static Verdict watched(Invariant invariant, RunResult.Watched w) {
        if (w == null) {
            return Verdict.skipped(invariant, "on this provider");
        }
        final List<Violation> v = new ArrayList<>(w.violations());
        if (w.violationCount() > v.size()) {
            v.add(new Violation(invariant, (w.violationCount() - v.size()) + " more not shown"));
        }
        return Verdict.of(invariant, w.numbers(), v);
    }

    static Verdict noStaleRkeyAccess(RunResult r) {
        if (r.staleRkeyAccesses() == null) {
            return Verdict.skipped(Invariant.NO_STALE_RKEY_ACCESS, "on this provider");
        }
        return Verdict.of(Invariant.NO_STALE_RKEY_ACCESS, "fabric staleRkeyAccessSucceeded = "
                + r.staleRkeyAccesses(), InvariantChecker.noStaleRkeyAccess(r.staleRkeyAccesses()));
    }

    static Verdict sendQueueWithinCapacity(RunResult r) {
        return Verdict.of(Invariant.SEND_QUEUE_CAPACITY, "post_send ENOMEM " + r.sqOverflows() + " ("
                        + r.injectedPostFailures() + " injected refusals not counted); other refused posts "
                        + r.otherPostFailures() + " (ENOTCONN after QP errors)",
                InvariantChecker.sendQueueWithinCapacity("requester", r.sqOverflows(), List.of()));
    }

    static Verdict cleanShutdown(RunResult r) {
        if (r.clientFinal() == null || r.transportFinal() == null) {
            return Verdict.of(Invariant.CLEAN_SHUTDOWN, "", List.of(new Violation(Invariant.CLEAN_SHUTDOWN,
                    (r.clientFinal() == null ? "client" : "transport") + " ShutdownComplete did not arrive within "
                            + DurationArg.format(LoadSession.SHUTDOWN_BOUND))));
        }
        final PoolOccupancy last = r.transportFinal().occupancy();
        final List<Violation> v = new ArrayList<>();
        if (last.allocated() != 0) {
            v.add(new Violation(Invariant.CLEAN_SHUTDOWN, "the transport still has " + last.allocated()
                    + " MRs allocated after its Shutdown"));
        }
        return Verdict.of(Invariant.CLEAN_SHUTDOWN, "client, then transport ShutdownComplete; final " + last, v);
    }
}
