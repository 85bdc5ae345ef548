package io.frwr.testkit;

import io.frwr.actors.Direction;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.verbs.Errno;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadmeExampleTest {
    @Test
    void aQpBreakAfterRegistrationLosesNoMrAndReleasesNothingEarly() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(42).build()) {
            kit.awaitConnected();
            final TransportProbe events = kit.events();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(3 * 4096));

            kit.inject(FaultScript.breakQpNow().then(FaultScript.failNextPosts(1, Errno.EAGAIN)));
            events.expectDrainFinished();
            events.expectReconnected();

            final RdmaTransport.Invalidated inv = kit.invalidate(reg);
            assertTrue(inv.fenced(), "the caller's memory must be fenced before it is handed back");
            kit.runUntilQuiet();
            kit.invariants().assertAll();
        }
    }
}
