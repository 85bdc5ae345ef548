package io.frwr.verbs.sim;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.WorkCompletion;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A completion queue of one endpoint. Completions are added by the fabric (under the fabric lock) and polled
 * by consumers; the queue has its own monitor so that polling does not take the fabric lock.
 *
 * <p>Overrun: a completion that finds the queue full is dropped and the QP that generated it goes to ERROR,
 * as an HCA reports a CQ overrun (counted in {@link SimStats#cqOverruns()}). Size CQs for every WR that can
 * be outstanding on the QPs that share them.
 */
public final class SimCompletionQueue implements CompletionQueue {
    /** Returned by {@link #offer} when the queue was full. */
    static final Runnable OVERRUN = () -> { };

    private final SimDevice device;
    private final int capacity;
    private final ArrayDeque<WorkCompletion> queue;
    private boolean armed;
    private Runnable handler;

    SimCompletionQueue(SimDevice device, int capacity) {
        this.device = device;
        this.capacity = capacity;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** {@return the endpoint the CQ was created on} */
    public SimDevice device() {
        return device;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int poll(List<WorkCompletion> into, int max) {
        int n = 0;
        synchronized (this) {
            while (n < max) {
                final WorkCompletion wc = queue.poll();
                if (wc == null) {
                    break;
                }
                into.add(wc);
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized void setNotificationHandler(Runnable handler) {
        this.handler = handler;
    }

    @Override
    public synchronized void requestNotify() {
        armed = true;
    }

    /** Completions waiting to be polled. */
    public synchronized int size() {
        return queue.size();
    }

    /** True if armed and no completion has arrived since. */
    public synchronized boolean isArmed() {
        return armed;
    }

    /** Adds {@code wc}; returns the handler to run (after unlocking), null, or {@link #OVERRUN}. */
    synchronized Runnable offer(WorkCompletion wc) {
        if (queue.size() >= capacity) {
            return OVERRUN;
        }
        queue.add(wc);
        if (armed) {
            armed = false;
            return handler;
        }
        return null;
    }

    @Override
    public String toString() {
        return "SimCompletionQueue[" + device.name() + ", capacity " + capacity + "]";
    }
}
