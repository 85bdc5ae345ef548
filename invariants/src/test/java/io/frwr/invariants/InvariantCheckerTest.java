package io.frwr.invariants;

import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.frwr.MrState;
import io.frwr.verbs.RKey;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each check is silent when its rule holds and names its invariant and what it saw when the rule is broken. */
class InvariantCheckerTest {
    private static MrAudit.Slot slot(int i, MrAudit.Where where, long rkey) {
        return new MrAudit.Slot(i, where, where == MrAudit.Where.REGISTERED ? MrState.VALID : MrState.INVALID, 1,
                rkey);
    }

    private static final List<MrAudit.Slot> SLOTS = List.of(slot(0, MrAudit.Where.FREE, 0x100),
            slot(1, MrAudit.Where.REGISTERED, 0x201), slot(2, MrAudit.Where.FREE, 0x300),
            slot(3, MrAudit.Where.DESTROYED, -1));

    private static String only(List<Violation> v) {
        assertEquals(1, v.size(), v::toString);
        return v.get(0).toString();
    }

    @Test
    void everyInvariantHasAUniqueIdAndLabel() {
        final Set<Integer> ids = new HashSet<>();
        final Set<String> labels = new HashSet<>();
        for (Invariant i : Invariant.values()) {
            assertTrue(ids.add(i.id()), "duplicate id " + i.id());
            assertTrue(labels.add(i.label()), "duplicate label " + i.label());
            assertFalse(i.rule().isBlank());
        }
        assertEquals("single MR ownership", Invariant.SINGLE_OWNERSHIP.toString());
    }

    @Test
    void mrConservationReportsCountsThatDoNotAddUpAndSlotsThatDisagree() {
        assertEquals(List.of(), InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(3, 2, 1, 0, 0), SLOTS)));

        final List<Violation> lost = InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(4, 2, 1, 0, 0),
                SLOTS));
        assertEquals(2, lost.size(), lost::toString);
        assertEquals("MR conservation: mrs{allocated=4 free=2 registered=1 recovering=0 orphaned=0} does not add up",
                lost.get(0).toString());
        assertTrue(lost.get(1).message().startsWith("the audit's slots (3 live,"), lost.get(1).message());

        final String disagree = only(InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(3, 1, 2, 0, 0),
                SLOTS)));
        assertTrue(disagree.contains("(3 live, 2 free, 1 registered, 0 recovering, 0 orphaned) disagree with"),
                disagree);
    }

    @Test
    void mrSettledReportsAnMrStillRegisteredOrRecoveringAfterEveryRequestEnded() {
        assertEquals(List.of(), InvariantChecker.mrSettled(new MrAudit(new PoolOccupancy(8, 8, 0, 0, 0), List.of())));
        final Violation v = InvariantChecker.mrSettled(new MrAudit(new PoolOccupancy(8, 6, 1, 1, 0), List.of()))
                .get(0);
        assertEquals(Invariant.MR_CONSERVATION, v.invariant());
        assertTrue(v.message().startsWith("1 MRs still registered and 1 recovering"), v.message());
    }

    @Test
    void singleOwnershipReportsAnMrInTwoHoldingsAndAnOlderKeyThanTheSlots() {
        final int a = RKey.of(5, 1);
        final int b = RKey.of(6, 1);
        final Holding first = new Holding("call 1", List.of(a));
        final Holding second = new Holding("call 2", List.of(b));
        assertEquals(List.of(), InvariantChecker.singleOwnership(List.of(first, second), null));
        // One holding with two handles of one MR is one owner, not two.
        assertEquals(List.of(), InvariantChecker.singleOwnership(List.of(new Holding("call 3", List.of(a, a))), null));

        final Holding thief = new Holding("call 4", List.of(RKey.of(5, 2)));
        final String twice = only(InvariantChecker.singleOwnership(List.of(first, thief), null));
        assertEquals("single MR ownership: MR index 5 (rkey " + RKey.format(RKey.of(5, 2))
                + ") is held by call 1 and call 4", twice);

        final MrAudit audit = new MrAudit(new PoolOccupancy(1, 0, 1, 0, 0),
                List.of(slot(0, MrAudit.Where.REGISTERED, RKey.of(5, 3))));
        final String older = only(InvariantChecker.singleOwnership(List.of(first), audit));
        assertEquals("single MR ownership: slot 0 is registered as " + RKey.format(RKey.of(5, 3))
                + " but call 1 holds an older key of that MR", older);
        assertEquals(List.of(), InvariantChecker.singleOwnership(List.of(new Holding("call 5", List.of(RKey.of(5, 3)))),
                audit));
    }

    @Test
    void noStaleRkeyAccessReportsTheFabricsSelfCheck() {
        assertEquals(List.of(), InvariantChecker.noStaleRkeyAccess(0));
        assertEquals("no stale rkey access: 2 remote accesses succeeded with an invalidated or old rkey",
                only(InvariantChecker.noStaleRkeyAccess(2)));
    }

    @Test
    void handedBackIsAViolationOnlyWhileTheRkeyIsReachable() {
        final int reachable = RKey.of(7, 1);
        final int liveOnly = RKey.of(8, 1);
        final int dead = RKey.of(9, 1);
        final RkeyProbe probe = RkeyProbe.of(r -> r != dead, r -> r == reachable);
        assertEquals(List.of(), InvariantChecker.handedBack("Invalidated", List.of(liveOnly, dead), probe));
        final Violation v = InvariantChecker.handedBack("Invalidated", List.of(dead, reachable), probe).get(0);
        assertEquals(Invariant.NO_EARLY_RELEASE, v.invariant());
        assertEquals("Invalidated was handed back while rkey " + RKey.format(reachable) + " is live and reachable"
                + " (a QP of its protection domain is in RTR/RTS): the peer could still write it", v.message());
    }

    @Test
    void callsMustAllBeAccountedForAndNoneOpen() {
        assertEquals(List.of(), InvariantChecker.everyCallEnded(List.of()));
        assertEquals("every call ends: Invalidate #3 has had no answer",
                only(InvariantChecker.everyCallEnded(List.of("Invalidate #3"))));
        assertEquals(List.of(), InvariantChecker.callsAccountedFor("workers", 10, 9, 1, 0));
        assertEquals("every call ends: workers: issued 10 != succeeded 8 + failed 1 (1 missing)",
                only(InvariantChecker.callsAccountedFor("workers", 10, 8, 1, 0)));
        assertEquals("every call ends: client: 2 still open",
                only(InvariantChecker.callsAccountedFor("client", 10, 9, 1, 2)));
    }

    @Test
    void sendQueueAndDataChecksCountOnlyWhatTheyAreGiven() {
        assertEquals(List.of(), InvariantChecker.sendQueueWithinCapacity("client", 0, List.of("ignored")));
        assertEquals("send queue within capacity: client: 1 post_send refused because the send queue was full"
                        + " (QP 7: WR #3 not posted)",
                only(InvariantChecker.sendQueueWithinCapacity("client", 1, List.of("QP 7: WR #3 not posted"))));
        assertEquals(List.of(), InvariantChecker.dataReadBack(0, List.of()));
        assertEquals("data read back equals data written: 1 mismatches: worker 0 cycle 3",
                only(InvariantChecker.dataReadBack(1, List.of("worker 0 cycle 3"))));
    }

    @Test
    void aVerdictHoldsWithoutViolationsAndOtherwiseCarriesThem() {
        final Verdict ok = Verdict.of(Invariant.DATA_INTEGRITY, "10 READs checked", List.of());
        assertTrue(ok.ok());
        assertEquals("data read back equals data written", ok.name());
        final Verdict bad = Verdict.of(Invariant.DATA_INTEGRITY, "10 READs checked",
                InvariantChecker.dataReadBack(1, List.of("worker 0 cycle 3")));
        assertFalse(bad.ok());
        assertEquals("10 READs checked; 1 mismatches: worker 0 cycle 3", bad.detail());
        assertFalse(Verdict.allOk(List.of(ok, bad)));
        assertTrue(Verdict.skipped(Invariant.NO_STALE_RKEY_ACCESS, "on this provider").ok());
    }
}
