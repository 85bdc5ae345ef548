package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each invariant fails when its rule is broken, and only that one. */
class InvariantsTest {
    private static final PoolOccupancy SETTLED = new PoolOccupancy(8, 8, 0, 0, 0);

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

    private static RunResult result(long issued, long succeeded, long failed, long mismatches, PoolOccupancy o,
                                    ClientStats clientFinal, Long stale, long overflows) {
        final TransportCounters.Snapshot counters = new TransportCounters.Snapshot(
                new long[TransportCounter.values().length], o);
        final PayloadRow empty = new PayloadRow(0, 0, 0, new Histogram(3));
        return new RunResult(LoadgenOptions.defaults(), 1.0, List.of(), empty, empty, issued, succeeded, failed,
                Map.of(), Map.of(), mismatches, mismatches == 0 ? List.of() : List.of("worker 0 cycle 3: CRC differs"), 10, 1,
                true, counters, audit(o), clientFinal, clientFinal, counters, stale, 2, overflows, 0);
    }

    private static RunResult healthy() {
        return result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 0L, 0);
    }

    private static List<String> failedNames(RunResult r) {
        return Invariants.check(r).stream().filter(i -> !i.ok()).map(Invariant::name).toList();
    }

    @Test
    void aHealthyRunPassesEveryCheck() {
        final List<Invariant> checks = Invariants.check(healthy());
        assertEquals(6, checks.size());
        assertTrue(Invariants.allOk(checks), checks.toString());
    }

    @Test
    void aCallWithoutAnEndFails() {
        assertEquals(List.of("every call ended"), failedNames(result(10, 8, 1, 0, SETTLED, client(10, 8, 1, 0), 0L, 0)));
        assertEquals(List.of("every call ended"), failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 1), 0L, 0)));
        assertEquals(List.of("every call ended"), failedNames(result(10, 9, 1, 0, SETTLED, client(11, 9, 1, 0), 0L, 0)));
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
        assertEquals(List.of("no access with a stale rkey succeeded"),
                failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 1L, 0)));
        assertTrue(Invariants.noStaleRkeyAccess(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), null, 0)).ok());
    }

    @Test
    void aSendQueueOverflowFails() {
        assertEquals(List.of("send queue never overflowed"),
                failedNames(result(10, 9, 1, 0, SETTLED, client(10, 9, 1, 0), 0L, 1)));
    }

    @Test
    void aMissingShutdownFailsBothCallAccountingAndShutdown() {
        final List<String> failed = failedNames(result(10, 9, 1, 0, SETTLED, null, 0L, 0));
        assertEquals(List.of("every call ended", "clean shutdown"), failed);
        assertFalse(Invariants.allOk(Invariants.check(result(10, 9, 1, 0, SETTLED, null, 0L, 0))));
    }
}
