package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.actors.TransportEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A typed stream of what the transport did (its {@link TransportEvent}s), on a TestProbe, with expectations
 * that drive the kit's fabric and clock while they wait. Events that do not match an expectation are kept
 * in {@link #skipped()} so a failure message can show what happened instead.
 */
public final class TransportProbe {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private final FrwrTestKit kit;
    private final TestProbe<TransportEvent> probe;
    private final List<TransportEvent> skipped = new ArrayList<>();

    TransportProbe(FrwrTestKit kit, TestProbe<TransportEvent> probe) {
        this.kit = kit;
        this.probe = probe;
    }

    /** The underlying probe, for Akka's own expectations. */
    public TestProbe<TransportEvent> probe() {
        return probe;
    }

    /** The next event of {@code type} matching {@code condition}; earlier others are skipped. */
    public <E extends TransportEvent> E expect(Class<E> type, Predicate<E> condition, String what) {
        final int from = skipped.size();
        while (true) {
            final TransportEvent e;
            try {
                e = kit.await(probe, TransportEvent.class, LIMIT);
            } catch (AssertionError timeout) {
                throw new AssertionError("expected " + what + " but the transport only did "
                        + skipped.subList(from, skipped.size()), timeout);
            }
            if (type.isInstance(e) && condition.test(type.cast(e))) {
                return type.cast(e);
            }
            skipped.add(e);
        }
    }

    /** The next event of {@code type}; earlier others are skipped. */
    public <E extends TransportEvent> E expect(Class<E> type) {
        return expect(type, e -> true, type.getSimpleName());
    }

    /** The QP broke (a fault, a remote access error, a failed post). */
    public TransportEvent.QpError expectQpError() {
        return expect(TransportEvent.QpError.class);
    }

    /** The drain after a QP error finished: every posted WR completed or flushed. */
    public TransportEvent.DrainFinished expectDrainFinished() {
        return expect(TransportEvent.DrainFinished.class, d -> !d.timedOut(), "DrainFinished without timeout");
    }

    /** A connection after the first one is up. */
    public TransportEvent.Connected expectReconnected() {
        return expect(TransportEvent.Connected.class, TransportEvent.Connected::reconnect, "Connected(reconnect)");
    }

    /** The MR in {@code slot} came back from recovery with a fresh rkey. */
    public TransportEvent.MrRecovered expectMrRecovered(int slot) {
        return expect(TransportEvent.MrRecovered.class, r -> r.slot() == slot, "MrRecovered(slot " + slot + ")");
    }

    /** Any MR came back from recovery. */
    public TransportEvent.MrRecovered expectMrRecovered() {
        return expect(TransportEvent.MrRecovered.class);
    }

    /** The MR was invalidated ({@code remotely}: by the responder's SEND_WITH_INV). */
    public TransportEvent.MrInvalidated expectMrInvalidated(int rkey) {
        return expect(TransportEvent.MrInvalidated.class, i -> i.rkey() == rkey, "MrInvalidated(rkey " + rkey + ")");
    }

    /** Events skipped by earlier expectations, oldest first. */
    public List<TransportEvent> skipped() {
        return List.copyOf(skipped);
    }
}
