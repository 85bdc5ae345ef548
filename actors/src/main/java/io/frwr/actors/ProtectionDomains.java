package io.frwr.actors;

import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The transport's protection domains, one generation at a time. An MR is reachable by a peer only through a
 * QP of its own PD, so when an MR cannot be deregistered (its rkey stays live in the device) the transport
 * retires the PD it lives in: MRs are allocated afresh in a new PD, the next connection's QP is created in
 * it, and once no QP of the old generation is open any more the stuck MR's memory is out of every peer's
 * reach. That is the moment its owner may be told the memory is safe; not before, and never by guessing.
 * (Later Linux kernels allocate a PD per connection for the same reason.)
 *
 * <p>QPs are counted per generation from the start of a connect attempt until the QP is known dead (drained,
 * refused, or the attempt failed). Thread-safe: the Connection, MrPool, Recovery and QueuePair actors use it.
 */
final class ProtectionDomains {
    private final RdmaDevice device;
    private ProtectionDomain current;
    private int generation;
    private final Map<Integer, Integer> openQps = new HashMap<>();
    private IntConsumer onUnreachable = g -> { };

    ProtectionDomains(RdmaDevice device) throws VerbsException {
        this.device = device;
        this.current = device.allocPd();
    }

    /** The current PD and its generation, read together. */
    record Current(ProtectionDomain pd, int generation) { }

    synchronized Current snapshot() {
        return new Current(current, generation);
    }

    synchronized ProtectionDomain current() {
        return current;
    }

    synchronized int generation() {
        return generation;
    }

    /** Told with a retired generation once no QP of it (or of an older one) is open. */
    synchronized void onUnreachable(IntConsumer listener) {
        this.onUnreachable = listener;
    }

    /** A new PD becomes current; returns the generation that was retired. */
    int retire() throws VerbsException {
        final ProtectionDomain fresh = device.allocPd();
        final int retired;
        final boolean unreachableNow;
        synchronized (this) {
            current = fresh;
            retired = generation++;
            unreachableNow = noQpAtOrBelow(retired);
        }
        if (unreachableNow) {
            onUnreachableListener().accept(retired);
        }
        return retired;
    }

    /** A connect attempt on the current PD starts; returns its generation. */
    synchronized int qpOpening() {
        openQps.merge(generation, 1, Integer::sum);
        return generation;
    }

    /** The QP of generation {@code g} is dead (ERROR after a drain, refused, or never established). */
    void qpClosed(int g) {
        final boolean unreachable;
        synchronized (this) {
            final int left = openQps.merge(g, -1, Integer::sum);
            if (left <= 0) {
                openQps.remove(g);
            }
            unreachable = g < generation && noQpAtOrBelow(g);
        }
        if (unreachable) {
            onUnreachableListener().accept(g);
        }
    }

    /** True while some QP of generation {@code g} or older may still be the target of a remote access. */
    synchronized boolean reachable(int g) {
        return g == generation || !noQpAtOrBelow(g);
    }

    private boolean noQpAtOrBelow(int g) {
        for (int k : openQps.keySet()) {
            if (k <= g) {
                return false;
            }
        }
        return true;
    }

    private synchronized IntConsumer onUnreachableListener() {
        return onUnreachable;
    }
}
