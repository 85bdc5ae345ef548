package io.frwr.actors;

import akka.actor.DeadLetter;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.eventstream.EventStream;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An orderly Shutdown is not a failure: it logs as a shutdown and leaves no message to a stopped actor. */
class CleanShutdownTest {
    private static final SimCosts FREE = new SimCosts(0, 0, 0, 0.0, 0);

    @Test
    void aCleanShutdownProducesNoDeadLettersAndLogsNoQpFailure() throws Exception {
        try (TransportFixture f = new TransportFixture(SimMode.STEPPED, FREE, "")) {
            final TestProbe<DeadLetter> dead = f.kit.createTestProbe(DeadLetter.class);
            f.kit.system().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, dead.getRef()));
            f.awaitUp();
            final Registration reg = f.register(Direction.PEER_READS, f.segment(4096)).registration();
            f.await(f.invalidate(reg), RdmaTransport.Invalidated.class);
            f.register(Direction.PEER_WRITES, f.segment(8192));

            final Logger qpLog = (Logger) LoggerFactory.getLogger(QueuePairActor.class);
            final Level level = qpLog.getLevel();
            final ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            qpLog.addAppender(log);
            qpLog.setLevel(Level.DEBUG);
            try {
                final TestProbe<RdmaTransport.ShutdownComplete> done =
                        f.kit.createTestProbe(RdmaTransport.ShutdownComplete.class);
                f.transport.tell(new RdmaTransport.Shutdown(done.getRef()));
                assertEquals(0, f.await(done, RdmaTransport.ShutdownComplete.class).counters().occupancy().allocated());
                // Whatever the stopped actors would still be sent is sent within a few more steps.
                for (int i = 0; i < 20; i++) {
                    f.stepAll();
                    f.time.timePasses(Duration.ofMillis(50));
                }
                f.counters(); // the tombstone still answers
            } finally {
                qpLog.detachAppender(log);
                qpLog.setLevel(level);
            }
            final List<String> letters = new ArrayList<>();
            while (true) {
                try {
                    final DeadLetter d = dead.receiveMessage(Duration.ofMillis(500));
                    letters.add(d.message() + " from " + d.sender() + " to " + d.recipient());
                } catch (AssertionError none) {
                    break;
                }
            }
            assertTrue(letters.isEmpty(), "dead letters on a clean Shutdown: " + letters);
            final List<String> lines = log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("closing for shutdown")), "no shutdown line in " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.contains("failed")), "a clean Shutdown logged a failure: " + lines);
        }
    }
}
