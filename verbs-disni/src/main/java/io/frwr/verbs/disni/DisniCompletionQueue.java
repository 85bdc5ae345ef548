package io.frwr.verbs.disni;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.WorkCompletion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's side of a CQ. Completions arrive here already translated: native ones from the CQ's
 * poller thread, emulated FAST_REG/LOCAL_INV ones from the registration thread. One path, one queue.
 */
final class DisniCompletionQueue implements CompletionQueue {
    private static final Logger LOG = LoggerFactory.getLogger(DisniCompletionQueue.class);

    private final int capacity;
    private final ConcurrentLinkedQueue<WorkCompletion> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile Runnable handler = () -> { };

    DisniCompletionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("CQ capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int poll(List<WorkCompletion> into, int max) {
        int n = 0;
        while (n < max) {
            final WorkCompletion wc = ready.poll();
            if (wc == null) {
                break;
            }
            size.decrementAndGet();
            into.add(wc);
            n++;
        }
        return n;
    }

    @Override
    public void setNotificationHandler(Runnable handler) {
        this.handler = handler == null ? () -> { } : handler;
    }

    @Override
    public void requestNotify() {
        armed.set(true);
    }

    /** Called on a provider thread: queue the completion and fire the armed notification once. */
    void deliver(WorkCompletion wc) {
        if (size.incrementAndGet() > capacity) {
            // hardware would raise a CQ overrun and kill the QPs; we keep the entry and say so loudly
            LOG.error("CQ overrun: {} completions queued, capacity {}; the consumer polls too slowly", size.get(),
                    capacity);
        }
        ready.add(wc);
        if (armed.compareAndSet(true, false)) {
            handler.run();
        }
    }
}
