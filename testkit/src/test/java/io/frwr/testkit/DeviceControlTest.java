package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.Direction;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.actors.TransportEvent;
import io.frwr.verbs.Errno;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.VerbsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Holding, slowing and failing the client device's MR calls, and the fault steps that never stop. */
class DeviceControlTest {
    private static final int PAGE = 4096;

    /**
     * A registration whose LOCAL_INV is flushed by a disconnect, so its MR can only be fenced by recovery's
     * deregistration: the Invalidate is answered after the dereg, on the returned probe.
     */
    private static TestProbe<RdmaTransport.Invalidated> invalidationThatNeedsADereg(FrwrTestKit kit, Registration reg) {
        final long localInvs = kit.postedWrs(Opcode.LOCAL_INV);
        final TestProbe<RdmaTransport.Invalidated> p = kit.invalidateAsync(reg);
        assertTrue(kit.stepUntil(() -> kit.postedWrs(Opcode.LOCAL_INV) > localInvs), "no LOCAL_INV was posted");
        kit.serverQueuePairs().get(kit.serverQueuePairs().size() - 1).disconnect();
        return p;
    }

    @Test
    void aBlockedDeregHoldsTheInvalidateUntilUnblocked() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(301).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            kit.deviceControl().blockDeregs();
            final TestProbe<RdmaTransport.Invalidated> p = invalidationThatNeedsADereg(kit, reg);

            kit.runUntilQuiet(); // returns although a dereg is held
            kit.advance(Duration.ofSeconds(1));
            assertEquals(1, kit.deviceControl().heldCalls(), "recovery's dereg is held");
            assertNull(FrwrTestKit.poll(p), "no memory may come back while its MR is not deregistered");

            kit.deviceControl().unblock();
            assertTrue(kit.await(p, RdmaTransport.Invalidated.class).fenced());
            assertEquals(0, kit.deviceControl().heldCalls());
            assertTrue(kit.deviceControl().releasedCalls() >= 1);
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void aSlowDeregTakesManualTime() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(302).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            kit.deviceControl().slowDeregs(Duration.ofSeconds(5));
            final TestProbe<RdmaTransport.Invalidated> p = invalidationThatNeedsADereg(kit, reg);

            kit.advance(Duration.ofSeconds(2));
            assertNull(FrwrTestKit.poll(p), "the dereg takes 5 s of manual time");
            assertEquals(1, kit.deviceControl().heldCalls());
            assertTrue(kit.await(p, RdmaTransport.Invalidated.class, Duration.ofSeconds(10)).fenced());
            kit.deviceControl().slowDeregs(Duration.ZERO);
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void closeReleasesAHeldDereg() {
        final FrwrTestKit kit = FrwrTestKit.builder().seed(303).build();
        kit.awaitConnected();
        final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
        kit.deviceControl().blockDeregs();
        invalidationThatNeedsADereg(kit, reg);
        kit.runUntilQuiet();
        assertEquals(1, kit.deviceControl().heldCalls());
        assertDoesNotThrow(kit::close);
        assertEquals(0, kit.deviceControl().heldCalls());
    }

    @Test
    void permanentFailuresLastUntilStopped() throws VerbsException {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(304).build()) {
            final ProtectionDomain pd = kit.clientDevice().allocPd();
            final FastRegMr mr = pd.allocFastRegMr(1);
            kit.deviceControl().failAllocs();
            kit.deviceControl().failDeregs();
            for (int i = 0; i < 50; i++) {
                assertEquals(Errno.ENOMEM, assertThrows(VerbsException.class, () -> pd.allocFastRegMr(1)).errno());
                assertEquals(Errno.EBUSY, assertThrows(VerbsException.class, () -> pd.deregMr(mr)).errno());
            }
            kit.deviceControl().stopFailing();
            pd.deregMr(mr);
            pd.deregMr(pd.allocFastRegMr(1));
        }
    }

    @Test
    void failDeregsForeverAndStopFailingAreFaultSteps() throws VerbsException {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(305).build()) {
            kit.awaitConnected();
            final ProtectionDomain pd = kit.clientDevice().allocPd();
            final FastRegMr mr = pd.allocFastRegMr(1);
            kit.inject(FaultScript.failDeregsForever().then(FaultScript.failAllocsForever()));
            for (int i = 0; i < 20; i++) {
                assertThrows(VerbsException.class, () -> pd.deregMr(mr));
                assertThrows(VerbsException.class, () -> pd.allocFastRegMr(1));
            }
            kit.inject(FaultScript.stopFailing());
            pd.deregMr(mr);
            assertEquals(List.of(new FaultScript.FailDeregsForever(), new FaultScript.FailAllocsForever(),
                    new FaultScript.StopFailing()), kit.appliedFaults());
        }
    }

    @Test
    void rejectConnectsForeverKeepsTheTransportDownUntilStopped() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(306).build()) {
            kit.awaitConnected();
            final TransportProbe events = kit.events();
            kit.inject(FaultScript.rejectConnectsForever().then(FaultScript.breakQpNow()));
            events.expectQpError();
            kit.advance(Duration.ofSeconds(2));
            assertNull(kit.connectedQp(), "every connect is rejected");
            kit.inject(FaultScript.stopFailing());
            events.expectReconnected();
            assertTrue(kit.invalidate(kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE))).fenced());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }

    @Test
    void aLostDrainMarkerEndsTheDrainByItsTimeout() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(307).build()) {
            kit.awaitConnected();
            final TransportProbe events = kit.events();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(PAGE));
            kit.inject(FaultScript.loseNextDrainMarkers(1).then(FaultScript.breakQpNow()));
            final TransportEvent.DrainFinished drain = events.expect(TransportEvent.DrainFinished.class);
            assertTrue(drain.timedOut(), "without its marker the drain can only end by its timeout: " + drain);
            assertEquals(1, kit.transportUnderTest().drainMarkersLost());
            events.expectReconnected();
            assertTrue(kit.invalidate(reg).fenced());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
            assertFalse(kit.appliedFaults().isEmpty());
        }
    }
}
