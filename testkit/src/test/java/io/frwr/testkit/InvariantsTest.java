package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.Direction;
import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.frwr.MrState;
import io.frwr.invariants.Invariant;
import io.frwr.invariants.InvariantChecker;
import io.frwr.invariants.Violation;
import io.frwr.verbs.Errno;
import io.frwr.verbs.RKey;
import io.frwr.verbs.sim.SimStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit's adapter over the shared checker ({@code io.frwr.invariants}): silent on a clean run, and a readable
 * violation, under the shared invariant names, when the invariant is broken on purpose.
 */
class InvariantsTest {
    private static final int PAGE = 4096;

    private static String only(List<Violation> v) {
        assertEquals(1, v.size(), v::toString);
        return v.get(0).toString();
    }

    private static MrAudit.Slot slot(int i, MrAudit.Where where, long rkey) {
        return new MrAudit.Slot(i, where, where == MrAudit.Where.REGISTERED ? MrState.VALID : MrState.INVALID, 1,
                rkey);
    }

    @Test
    void cleanRun_reportsNothing() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(21).build()) {
            kit.awaitConnected();
            final Registration a = kit.registerOk(Direction.PEER_WRITES, kit.memory(3 * PAGE));
            final Registration b = kit.registerOk(Direction.PEER_READS, kit.memory(PAGE));
            assertEquals(List.of(), kit.invariants().noMrOwnedTwice(List.of(a, b)));
            assertTrue(kit.invalidate(a).fenced());
            assertTrue(kit.invalidate(b).fenced());
            kit.runUntilQuiet();
            final Invariants inv = kit.invariants();
            assertEquals(List.of(), inv.mrConservation());
            assertEquals(List.of(), inv.noMrOwnedTwice(kit.heldRegistrations()));
            assertEquals(List.of(), inv.noStaleRkeyAccess());
            assertEquals(List.of(), inv.noEarlyRelease());
            assertEquals(List.of(), inv.everyCallEnded());
            assertEquals(List.of(), inv.sendQueueNeverOverCapacity());
            assertTrue(kit.ledger().releasesChecked() >= 2, "the fenced-release check must have run");
            inv.assertAll();
        }
    }

    @Test
    void mrConservation_reportsCountsThatDoNotAddUpAndSlotsThatDisagree() {
        final List<MrAudit.Slot> slots = List.of(slot(0, MrAudit.Where.FREE, 0x100),
                slot(1, MrAudit.Where.REGISTERED, 0x201), slot(2, MrAudit.Where.FREE, 0x300));
        assertEquals(List.of(), InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(3, 2, 1, 0, 0), slots)));

        final String lost = InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(4, 2, 1, 0, 0), slots))
                .get(0).toString();
        assertTrue(lost.startsWith("MR conservation: mrs{allocated=4 free=2 registered=1 recovering=0 orphaned=0}"
                + " does not add up"), lost);
        final String disagree = only(InvariantChecker.mrConservation(new MrAudit(new PoolOccupancy(3, 1, 2, 0, 0),
                slots)));
        assertTrue(disagree.contains("(3 live, 2 free, 1 registered, 0 recovering, 0 orphaned) disagree with"),
                disagree);
    }

    @Test
    void noMrOwnedTwice_reportsAnMrHeldByTwoRegistrations() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(22).transportConfig("frwr-transport.mr-pool.size = 1")
                .build()) {
            kit.awaitConnected();
            final Registration first = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            kit.invalidate(first);
            // One MR in the pool: the second registration reuses it under a new key byte.
            final Registration second = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            assertEquals(List.of(), kit.invariants().noMrOwnedTwice(kit.heldRegistrations()));
            final int index = RKey.index(second.chunk(0).get(0).rkey());
            assertEquals(RKey.index(first.chunk(0).get(0).rkey()), index);

            // A test that still counted the first as held would have two owners of one MR.
            final List<Violation> v = kit.invariants().noMrOwnedTwice(List.of(first, second));
            assertTrue(v.stream().allMatch(x -> x.invariant() == Invariant.SINGLE_OWNERSHIP), v::toString);
            assertTrue(v.stream().anyMatch(x -> x.toString().startsWith("single MR ownership: MR index " + index)
                    && x.message().contains("is held by " + first + " and " + second)), v::toString);
            assertTrue(v.stream().anyMatch(x -> x.message().contains("holds an older key of that MR")), v::toString);
            kit.invalidate(second);
        }
    }

    @Test
    void noStaleRkeyAccess_reportsTheFabricsSelfCheck() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(23).build()) {
            final SimStats s = kit.fabric().stats();
            assertEquals(List.of(), InvariantChecker.noStaleRkeyAccess(s));
            final SimStats broken = new SimStats(s.wrsExecuted(), s.flushed(), s.remoteAccessDenied(), 2,
                    s.mrsAllocated(), s.mrsDeregistered(), s.mrsLive(), s.currentMrOps(), s.maxConcurrentMrOps(),
                    s.completions(), s.cqOverruns(), s.connectsEstablished(), s.connectsRejected(),
                    s.connectsFailed(), s.bytesMoved());
            assertEquals("no stale rkey access: 2 remote accesses succeeded with an invalidated or old rkey",
                    only(InvariantChecker.noStaleRkeyAccess(broken)));
        }
    }

    @Test
    void noEarlyRelease_reportsMemoryHandedBackWhileItsRkeyIsReachable() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(24).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            final int rkey = reg.chunk(0).get(0).rkey();
            // What a transport that replied before its LOCAL_INV completed would make the kit see.
            kit.ledger().released(reg, true, "a premature Invalidated");
            final String v = only(kit.invariants().noEarlyRelease());
            assertTrue(v.startsWith("no early release: a premature Invalidated (" + reg + ") was handed back while rkey "
                    + RKey.format(rkey) + " is live and reachable"), v);
            final AssertionError all = assertThrows(AssertionError.class, () -> kit.invariants().assertAll());
            assertTrue(all.getMessage().startsWith("1 invariant violation(s) (fabric seed 24, faults applied []):"),
                    all.getMessage());
            assertTrue(kit.invalidate(reg).fenced());
        }
    }

    @Test
    void everyCallEnded_reportsARequestStillWithoutAnswer() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(25).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            // The fabric has not stepped since: the LOCAL_INV has not completed, so there is no answer yet.
            final TestProbe<RdmaTransport.Invalidated> p = kit.invalidateAsync(reg);
            assertEquals("every call ends: Invalidate " + reg + " has had no answer",
                    only(kit.invariants().everyCallEnded()));
            kit.await(p, RdmaTransport.Invalidated.class);
            assertEquals(List.of(), kit.invariants().everyCallEnded());
        }
    }

    @Test
    void sendQueueNeverOverCapacity_goesByTheFabricsCountNotByTheErrno() {
        final String full = "WR #3 of the chain not posted: send queue full: 16 of 16 slots outstanding";
        assertEquals("send queue within capacity: client: 1 post_send refused because the send queue was full (QP 7: "
                + full + ")", only(Invariants.sendQueueNeverOverCapacity(1,
                List.of(new ObservedDevice.PostFailure(7, Errno.ENOMEM, full),
                        new ObservedDevice.PostFailure(7, Errno.EAGAIN, "WR #0 of the chain not posted: busy")))));
        assertEquals(List.of(), Invariants.sendQueueNeverOverCapacity(0, List.of(
                new ObservedDevice.PostFailure(7, Errno.ENOMEM, "WR #0 of the chain not posted: whatever it says"))));
    }

    @Test
    void sendQueueNeverOverCapacity_ignoresAnInjectedEnomemBecauseTheFabricMarkedIt() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(26).build()) {
            kit.awaitConnected();
            kit.fabric().faults().failNextPosts(kit.clientDevice(), 1, Errno.ENOMEM);
            final RdmaTransport.RegisterReply reply = kit.register(Direction.PEER_WRITES, kit.memory(PAGE));
            kit.runUntilQuiet();
            assertTrue(kit.postFailures().stream().anyMatch(f -> f.errno() == Errno.ENOMEM),
                    "the transport met the injected ENOMEM: " + reply);
            assertEquals(1, kit.fabric().stats().injected(SimStats.InjectedFault.POST_FAILURE));
            assertEquals(List.of(), kit.invariants().sendQueueNeverOverCapacity());
            if (reply instanceof RdmaTransport.Registered ok) {
                kit.invalidate(ok.registration());
            }
        }
    }
}
