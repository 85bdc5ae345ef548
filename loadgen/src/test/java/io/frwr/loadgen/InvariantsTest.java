package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.invariants.Invariant;
import io.frwr.invariants.Verdict;
import io.frwr.invariants.Violation;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each invariant fails when its rule is broken, and only that one, under the shared name. */
class InvariantsTest {
    private static final PoolOccupancy SETTLED = new PoolOccupancy(8, 8, 0, 0, 0);
    private static final TransportCounters.Snapshot SHUT_DOWN = new TransportCounters.Snapshot(
            new long[TransportCounter.values().length], new PoolOccupancy(0, 0, 0, 0, 0));

    private static ClientStats client(long calls, long succeeded, long failedStopped, int outstanding) {
        final long[] v = new long[ClientCounter.values().length];
        v[ClientCounter.CALLS.ordinal()] = calls;
        v[ClientCounter.SUCCEEDED.ordinal()] = succeeded;
        v[ClientCounter.FAILED_STOPPED.ordinal()] = failedStopped;
        return new ClientStats(v, outstanding, 4, 4, 0, 1);
    }

    private static MrAudit audit(PoolOccupancy o) {
        final List<MrAudit.Slot> slots = new java.util.ArrayList<>();
        for (int i = 0; i < o.free(); i++) {
            slots.add(new MrAudit.Slot(i, MrAudit.Where.FREE, null, 1, i));
        }
        for (int i = 0; i < o.registered(); i++) {
            slots.add(new MrAudit.Slot(o.free() + i, MrAudit.Where.REGISTERED, null, 1, i));
        }
        return new MrAudit(o, slots);
    }

    private static final RunResult.Watched CLEAN = new RunResult.Watched("10 checked", 0, List.of());

    private static RunResult result(long issued, long succeeded, long failed, long mismatches, PoolOccupancy o,
                                    ClientStats clientFinal, Long stale, long overflows) {
        return result(issued, succeeded, failed, mismatches, o, clientFinal, stale, overflows, CLEAN, CLEAN);
    }

    private static RunResult result(long issued, long succeeded, long failed, long mismatches, PoolOccupancy o,
                                    ClientStats clientFinal, Long stale, long overflows, RunResult.Watched ownership,
                                    RunResult.Watched releases) {
        final TransportCounters.Snapshot counters = new TransportCounters.Snapshot(
                new long[TransportCounter.values().length], o);
        final PayloadRow empty = new PayloadRow(0, 0, 0, new Histogram(3));
        return new RunResult(LoadgenOptions.defaults(), 1.0, List.of(), empty, empty, issued, succeeded, failed,
                Map.of(), Map.of(), mismatches, mismatches == 0 ? List.of() : List.of("worker 0 cycle 3: CRC differs"), 10, 1,
                true, counters, audit(o), clientFinal, clientFinal, SHUT_DOWN, stale, 2, overflows, 0, 0, ownership,
                releases);
    }

    static RunResult healthy() {
        return result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 0L, 0);
    }

    private static List<String> failedNames(RunResult r) {
        return Invariants.check(r).stream().filter(i -> !i.ok()).map(Verdict::name).toList();
    }

    @Test
    void aHealthyRunPassesEveryCheck() {
        final List<Verdict> checks = Invariants.check(healthy());
        assertEquals(List.of(Invariant.EVERY_CALL_ENDS, Invariant.DATA_INTEGRITY, Invariant.MR_CONSERVATION,
                Invariant.SINGLE_OWNERSHIP, Invariant.NO_EARLY_RELEASE, Invariant.NO_STALE_RKEY_ACCESS,
                Invariant.SEND_QUEUE_CAPACITY, Invariant.CLEAN_SHUTDOWN), checks.stream().map(Verdict::invariant)
                .toList());
        assertTrue(Invariants.allOk(checks), checks.toString());
    }

    @Test
    void aCallWithoutAnEndFails() {
        assertEquals(List.of("every call ends"), failedNames(result(10, 8, 1, 0, SETTLED, client(10, 8, 1, 0), 0L, 0)));
        assertEquals(List.of("every call ends"), failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 1), 0L, 0)));
        assertEquals(List.of("every call ends"), failedNames(result(10, 9, 1, 0, SETTLED, client(11, 9, 1, 0), 0L, 0)));
    }

    @Test
    void aMismatchFailsWithItsDetail() {
        final RunResult r = result(10, 9, 1, 1, SETTLED, client(10, 9, 1, 0), 0L, 0);
        assertEquals(List.of("data read back equals data written"), failedNames(r));
        assertTrue(Invariants.dataReadBack(r).detail().contains("worker 0 cycle 3: CRC differs"));
    }

    @Test
    void anMrLeftRegisteredOrLostFailsConservation() {
        assertEquals(List.of("MR conservation"), failedNames(result(10, 9, 1, 0, new PoolOccupancy(8, 7, 1, 0, 0),
                client(10, 9, 1, 0), 0L, 0)));
        assertEquals(List.of("MR conservation"), failedNames(result(10, 9, 1, 0, new PoolOccupancy(8, 7, 0, 0, 0),
                client(10, 9, 1, 0), 0L, 0)));
    }

    @Test
    void aStaleRkeyAccessFails() {
        assertEquals(List.of("no stale rkey access"),
                failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 1L, 0)));
        assertTrue(Invariants.noStaleRkeyAccess(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), null, 0)).ok());
    }

    @Test
    void aSendQueueOverflowFails() {
        assertEquals(List.of("send queue within capacity"),
                failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 0L, 1)));
    }

    @Test
    void aMissingShutdownFailsBothCallAccountingAndShutdown() {
        final List<String> failed = failedNames(result(10, 9, 1, 0, SETTLED, null, 0L, 0));
        assertEquals(List.of("every call ends", "clean shutdown"), failed);
        assertFalse(Invariants.allOk(Invariants.check(result(10, 9, 1, 0, SETTLED, null, 0L, 0))));
    }

    @Test
    void aTransportLeftWithMrsAfterShutdownFailsCleanShutdown() {
        final TransportCounters.Snapshot leftOver = new TransportCounters.Snapshot(
                new long[TransportCounter.values().length], new PoolOccupancy(2, 0, 0, 0, 2));
        final RunResult ok = healthy();
        final RunResult r = new RunResult(ok.options(), ok.seconds(), ok.rows(), ok.metadata(), ok.total(), ok.issued(),
                ok.succeeded(), ok.failed(), ok.errorsByKind(), ok.firstErrors(), 0, List.of(), 10, 1, true,
                ok.transportCounters(), ok.audit(), ok.clientBefore(), ok.clientFinal(), leftOver, 0L, 2, 0, 0, 0,
                CLEAN, CLEAN);
        assertEquals(List.of("clean shutdown"), failedNames(r));
        assertTrue(Invariants.cleanShutdown(r).detail().contains("the transport still has 2 MRs allocated"),
                Invariants.cleanShutdown(r).detail());
    }

    @Test
    void watchedViolationsFailOwnershipAndEarlyReleaseWithEveryOneCounted() {
        final Violation twice = new Violation(Invariant.SINGLE_OWNERSHIP, "MR index 4 is held by call 1 and call 2");
        final Violation early = new Violation(Invariant.NO_EARLY_RELEASE, "call 3 was handed back while rkey 0x503"
                + " is live and reachable");
        final RunResult r = result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 0L, 0,
                new RunResult.Watched("12 rkeys carried", 3, List.of(twice)),
                new RunResult.Watched("10 hand-backs checked", 1, List.of(early)));
        assertEquals(List.of("single MR ownership", "no early release"), failedNames(r));
        final Verdict v = Invariants.singleOwnership(r);
        assertEquals(List.of(twice, new Violation(Invariant.SINGLE_OWNERSHIP, "2 more not shown")), v.violations());
        assertEquals("12 rkeys carried; MR index 4 is held by call 1 and call 2; 2 more not shown", v.detail());
    }

    @Test
    void checksThisProviderCannotObserveAreSkippedNotFailed() {
        final RunResult r = result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), null, 0, null, null);
        assertEquals(List.of(), failedNames(r));
        assertTrue(Invariants.singleOwnership(r).detail().endsWith("(skipped)"));
        assertTrue(Invariants.noEarlyRelease(r).detail().endsWith("(skipped)"));
    }
}
