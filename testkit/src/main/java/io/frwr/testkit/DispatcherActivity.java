package io.frwr.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the tasks an actor system's default dispatcher has been given and not yet finished. Zero means every
 * mailbox is empty: an actor with a message waiting always has a task queued or running. The stepped fabric
 * is only deterministic if the test thread steps at such points, so that no actor posts while it steps.
 */
final class DispatcherActivity {
    private static final Map<String, DispatcherActivity> BY_ID = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int busy;
    private boolean gated;
    private final java.util.List<Runnable> held = new java.util.ArrayList<>();

    static DispatcherActivity register(String id) {
        final DispatcherActivity a = new DispatcherActivity();
        BY_ID.put(id, a);
        return a;
    }

    static DispatcherActivity lookup(String id) {
        final DispatcherActivity a = BY_ID.get(id);
        if (a == null) {
            throw new IllegalStateException("no dispatcher activity registered under " + id
                    + "; create the ActorTestKit with FrwrTestKit.newActorTestKit");
        }
        return a;
    }

    static void forget(String id) {
        BY_ID.remove(id);
    }

    Runnable track(Runnable task) {
        lock.lock();
        try {
            busy++;
        } finally {
            lock.unlock();
        }
        return () -> {
            try {
                task.run();
            } finally {
                untrack();
            }
        };
    }

    /** A task ended (or was refused by a pool shutting down). */
    void untrack() {
        lock.lock();
        try {
            if (--busy == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * From now on, tasks given to the dispatcher wait (still counted as busy) until {@link #release()}: a burst
     * puts all its requests into the mailboxes before any actor runs, so they interleave the same way on
     * every run. Never wait for idleness while gated.
     */
    void gate() {
        lock.lock();
        try {
            gated = true;
        } finally {
            lock.unlock();
        }
    }

    /** If gated, keeps {@code start} (which hands a tracked task to the pool) for {@link #release()}. */
    boolean holdIfGated(Runnable start) {
        lock.lock();
        try {
            if (!gated) {
                return false;
            }
            held.add(start);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Opens the gate and hands the held tasks to the pool in the order they came. */
    void release() {
        final java.util.List<Runnable> start;
        lock.lock();
        try {
            gated = false;
            start = java.util.List.copyOf(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        start.forEach(Runnable::run);
    }

    boolean isIdle() {
        lock.lock();
        try {
            return busy == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no task is queued or running; the bound only guards against a hang. */
    void awaitIdle(Duration hangGuard) {
        final long deadline = System.nanoTime() + hangGuard.toNanos();
        lock.lock();
        try {
            while (busy > 0) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the actor system did not go idle within " + hangGuard
                            + " (" + busy + " dispatcher tasks pending): an actor is looping or blocked");
                }
                idle.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the actor system to go idle", e);
        } finally {
            lock.unlock();
        }
    }
}
