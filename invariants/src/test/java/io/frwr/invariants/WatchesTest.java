package io.frwr.invariants;

import io.frwr.verbs.RKey;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks that watch a run as it goes: what each counts as a violation, and what it lets pass. */
class WatchesTest {
    /** A device whose rkeys the test kills and cuts off by hand. */
    private static final class FakeDevice {
        final Set<Integer> live = new HashSet<>();
        final Set<Integer> unreachable = new HashSet<>();

        RkeyProbe probe() {
            return RkeyProbe.of(live::contains, r -> live.contains(r) && !unreachable.contains(r));
        }
    }

    @Test
    void releaseWatchFlagsAReachableRkeyAndCountsALiveButUnreachableOne() {
        final FakeDevice d = new FakeDevice();
        final ReleaseWatch w = new ReleaseWatch(d.probe());
        final int a = RKey.of(1, 1);
        final int b = RKey.of(2, 1);
        d.live.add(a);
        d.live.add(b);
        d.unreachable.add(b); // its PD was retired after its deregistration failed
        w.handedBack("call xid 0x1", List.of(b));
        assertEquals(List.of(), w.violations());
        assertEquals(1, w.liveButUnreachable());

        w.handedBack("call xid 0x2", List.of(a, RKey.of(3, 1)));
        assertEquals(1, w.violationCount());
        final Violation v = w.violations().get(0);
        assertEquals(Invariant.NO_EARLY_RELEASE, v.invariant());
        assertTrue(v.message().startsWith("call xid 0x2 was handed back while rkey " + RKey.format(a)
                + " is live and reachable"), v.message());
        assertEquals(2, w.checked());
        assertEquals(3, w.rkeysChecked());
        assertEquals("2 hand-backs checked (3 rkeys), 1 while reachable, 1 live but unreachable", w.summary());
    }

    @Test
    void memoryHandedBackLiveButUnreachableMustStayOutOfReach() {
        final FakeDevice d = new FakeDevice();
        final ReleaseWatch w = new ReleaseWatch(d.probe());
        final int stuck = RKey.of(4, 1);
        final int gone = RKey.of(5, 1);
        d.live.add(stuck);
        d.live.add(gone);
        d.unreachable.add(stuck);
        d.unreachable.add(gone);
        w.handedBack("call xid 0x4", List.of(stuck, gone)); // the connection was down at that moment
        w.recheck();
        assertEquals(0, w.violationCount(), "still out of reach: fine");
        d.live.remove(gone); // deregistered after all: forgotten
        d.unreachable.remove(gone);
        d.unreachable.remove(stuck); // a new QP of the same PD can reach it again
        w.recheck();
        assertEquals(1, w.violationCount());
        assertTrue(w.violations().get(0).message().contains("reachable again later"), w.violations().get(0).message());
        w.recheck();
        assertEquals(1, w.violationCount(), "reported once");
    }

    @Test
    void releaseWatchKeepsTheFirstViolationsAndCountsThemAll() {
        final ReleaseWatch w = new ReleaseWatch(RkeyProbe.of(r -> true, r -> true));
        for (int i = 0; i < ReleaseWatch.KEPT + 5; i++) {
            w.handedBack("call " + i, List.of(RKey.of(i + 1, 1)));
        }
        assertEquals(ReleaseWatch.KEPT, w.violations().size());
        assertEquals(ReleaseWatch.KEPT + 5, w.violationCount());
    }

    @Test
    void anMrPassedOnAfterItsLocalInvWasPostedIsNotOwnedTwice() {
        final FakeDevice d = new FakeDevice();
        final OwnershipWatch w = new OwnershipWatch(d.probe());
        final int a = RKey.of(4, 1);
        d.live.add(a);
        w.carried(1, "call 1", a);
        // The seed: the LOCAL_INV is posted, the MR goes back to the pool and the next FAST_REG queues behind it.
        w.relinquished(a);
        w.carried(2, "call 2", RKey.of(4, 2));
        assertEquals(List.of(), w.violations());
        assertEquals(2, w.openOwners(), "call 1 still waits for its fence");
        w.ended(1);
        w.ended(2);
        assertEquals(0, w.openOwners());
    }

    @Test
    void anMrWhoseOldRkeyDiedWithoutALocalInvIsNotOwnedTwice() {
        final FakeDevice d = new FakeDevice();
        final OwnershipWatch w = new OwnershipWatch(d.probe());
        w.carried(1, "call 1", RKey.of(4, 1)); // remote invalidation killed it, no LOCAL_INV was needed
        w.carried(2, "call 2", RKey.of(4, 2));
        assertEquals(List.of(), w.violations());
    }

    @Test
    void anMrCarriedByASecondCallWhileTheFirstStillHoldsItIsOwnedTwice() {
        final FakeDevice d = new FakeDevice();
        final OwnershipWatch w = new OwnershipWatch(d.probe());
        final int a = RKey.of(4, 1);
        d.live.add(a);
        w.carried(1, "call 1", a);
        w.carried(1, "call 1", a); // a retransmission of the same call is the same owner
        assertEquals(List.of(), w.violations());
        w.carried(2, "call 2", RKey.of(4, 2)); // handed out again while call 1's rkey is live, no LOCAL_INV
        w.carried(3, "call 3", RKey.of(4, 2)); // and the very same rkey to a third call
        assertEquals(2, w.violationCount());
        assertEquals("single MR ownership: MR index 4 is held by call 1 (rkey " + RKey.format(a) + ", still live) and"
                + " call 2 (rkey " + RKey.format(RKey.of(4, 2)) + ")", w.violations().get(0).toString());
        assertEquals("single MR ownership: MR index 4 is held by call 2 (rkey " + RKey.format(RKey.of(4, 2))
                + ") and call 3 (rkey " + RKey.format(RKey.of(4, 2)) + ")", w.violations().get(1).toString());
        assertEquals(4, w.claims());
    }

    @Test
    void anEndedCallHoldsNothing() {
        final FakeDevice d = new FakeDevice();
        final OwnershipWatch w = new OwnershipWatch(d.probe());
        final int a = RKey.of(4, 1);
        d.live.add(a);
        w.carried(1, "call 1", a);
        w.ended(1);
        w.carried(2, "call 2", a);
        assertEquals(List.of(), w.violations());
    }
}
