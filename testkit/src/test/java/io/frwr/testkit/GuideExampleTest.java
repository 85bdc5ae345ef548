package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.Handle;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of docs/testkit.md and the README's testkit section, verbatim. */
class GuideExampleTest {
    @Test
    void aPeerWritesUntilTheRegistrationIsInvalidatedInABurst() {
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(7).build()) {
            kit.awaitConnected();
            final Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(4096));
            final Handle handle = reg.chunk(0).get(0);
            assertEquals(WcStatus.SUCCESS, kit.peer().write(handle, new byte[] {1, 2, 3}));

            final TestProbe<RdmaTransport.RegisterReply> next;
            final TestProbe<RdmaTransport.Invalidated> released;
            try (Burst burst = kit.burst()) { // both requests reach the transport before either is handled
                next = kit.registerAsync(List.of(ChunkRequest.of(Direction.PEER_READS, kit.memory(4096))));
                released = kit.invalidateAsync(reg);
            }
            assertTrue(kit.await(released, RdmaTransport.Invalidated.class).fenced());
            assertEquals(WcStatus.REM_ACCESS_ERR, kit.peer().write(handle, new byte[] {4}));

            final RdmaTransport.Registered ok = assertInstanceOf(RdmaTransport.Registered.class,
                    kit.await(next, RdmaTransport.RegisterReply.class));
            assertTrue(kit.invalidate(ok.registration()).fenced());
            kit.runUntilQuiet();
            kit.invariants().assertAll();
            assertEquals(0, kit.shutdown().counters().occupancy().allocated());
        }
    }
}
