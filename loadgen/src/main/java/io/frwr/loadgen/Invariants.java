package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;

import java.util.List;

/** The DESIGN.md invariants, checked on one run's results. */
public final class Invariants {
    private Invariants() {
    }

    public static List<Invariant> check(RunResult r) {
        return List.of(everyCallEnded(r), dataReadBack(r), mrConservation(r), noStaleRkeyAccess(r),
                sendQueueNeverOverflowed(r), cleanShutdown(r));
    }

    public static boolean allOk(List<Invariant> invariants) {
        return invariants.stream().allMatch(Invariant::ok);
    }

    static Invariant everyCallEnded(RunResult r) {
        final String name = "every call ended";
        final long ended = r.succeeded() + r.failed();
        final StringBuilder d = new StringBuilder("issued " + r.issued() + " = succeeded " + r.succeeded()
                + " + failed " + r.failed());
        boolean ok = r.issued() == ended;
        if (!ok) {
            d.append(" MISSING ").append(r.issued() - ended);
        }
        final ClientStats c = r.clientFinal();
        if (c == null) {
            return new Invariant(name, false, d + "; the client never confirmed its Shutdown");
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
        ok &= calls == clientSucceeded + clientFailed && calls == r.issued() && c.outstanding() == 0
                && c.queued() == 0;
        return new Invariant(name, ok, d.toString());
    }

    static Invariant dataReadBack(RunResult r) {
        final String d = r.verifiedReads() + " READs checked against the last successful WRITE, "
                + r.unverifiedReads() + " skipped (region unknown after a failed WRITE), " + r.mismatches()
                + " mismatches";
        if (r.mismatches() == 0) {
            return new Invariant("data read back equals data written", true, d);
        }
        return new Invariant("data read back equals data written", false, d + ": "
                + String.join(" | ", r.mismatchDetails()));
    }

    static Invariant mrConservation(RunResult r) {
        final String name = "MR conservation";
        final MrAudit a = r.audit();
        final PoolOccupancy o = a.occupancy();
        final boolean slotsAgree = a.count(MrAudit.Where.FREE) == o.free()
                && a.count(MrAudit.Where.REGISTERED) == o.registered()
                && a.count(MrAudit.Where.RECOVERING) == o.recovering()
                && a.count(MrAudit.Where.ORPHANED) == o.orphaned();
        final boolean ok = r.quiesced() && o.conserved() && o.registered() == 0 && o.recovering() == 0 && slotsAgree;
        final String d = "free " + o.free() + " + registered " + o.registered() + " + recovering " + o.recovering()
                + " + orphaned " + o.orphaned() + (o.conserved() ? " = " : " != ") + "allocated " + o.allocated()
                + (r.quiesced() ? "" : "; the pool did not settle within " + DurationArg.format(LoadSession.QUIESCE_BOUND))
                + (slotsAgree ? "" : "; the audit's slots disagree with its occupancy");
        return new Invariant(name, ok, d);
    }

    static Invariant noStaleRkeyAccess(RunResult r) {
        final String name = "no access with a stale rkey succeeded";
        if (r.staleRkeyAccesses() == null) {
            return new Invariant(name, true, "not observable on this provider (skipped)");
        }
        return new Invariant(name, r.staleRkeyAccesses() == 0, "fabric staleRkeyAccessSucceeded = "
                + r.staleRkeyAccesses());
    }

    static Invariant sendQueueNeverOverflowed(RunResult r) {
        return new Invariant("send queue never overflowed", r.sqOverflows() == 0, "post_send ENOMEM "
                + r.sqOverflows() + " (none injected); other refused posts " + r.otherPostFailures()
                + " (ENOTCONN after QP errors)");
    }

    static Invariant cleanShutdown(RunResult r) {
        final boolean ok = r.clientFinal() != null && r.transportFinal() != null;
        final String d = ok ? "client, then transport ShutdownComplete; final " + r.transportFinal().occupancy()
                : (r.clientFinal() == null ? "client" : "transport") + " ShutdownComplete did not arrive within "
                + DurationArg.format(LoadSession.SHUTDOWN_BOUND);
        return new Invariant("clean shutdown", ok, d);
    }
}
