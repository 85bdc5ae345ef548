package io.frwr.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests issued together, without the kit settling between them, so that the transport sees them
 * overlap (several Registers queued behind one another, an Invalidate racing a Register). Open one with
 * {@link FrwrTestKit#burst()} in a try-with-resources block; every kit wrapper called inside returns its
 * probe at once and is still tracked by the kit's books, and closing the burst sends them all.
 *
 * <pre>{@code
 * TestProbe<RdmaTransport.RegisterReply> a, b;
 * try (Burst burst = kit.burst()) {
 *     a = kit.registerAsync(chunksA);
 *     b = kit.registerAsync(chunksB);
 * }
 * }</pre>
 *
 * <h2>Replay</h2>
 * A burst does not trade exact replay for concurrency. At close the kit waits until every actor is idle,
 * holds the dispatcher, tells every request of the burst in the order the test issued them, and only then
 * lets the (single) dispatcher thread run: all the requests are in the mailboxes before any of them is
 * handled, and the one thread handles them and everything they cause in an order fixed by the tells. So a
 * seed still gives one fabric trace. Inside a burst the kit must not step or wait (nothing was sent yet):
 * {@code runUntilQuiet}, {@code step}, {@code await} and {@code advance} throw until it is closed.
 */
public final class Burst implements AutoCloseable {
    private final FrwrTestKit kit;
    private final List<Runnable> tells = new ArrayList<>();
    private boolean closed;

    Burst(FrwrTestKit kit) {
        this.kit = kit;
    }

    void add(Runnable tell) {
        tells.add(tell);
    }

    /** Requests issued in this burst so far. */
    public int size() {
        return tells.size();
    }

    /** Sends every request of the burst at once (see the class comment), then settles. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        kit.sendBurst(this, List.copyOf(tells));
    }
}
