package io.frwr.loadgen;

import io.frwr.verbs.sim.SimFaults;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Breaks a random QP in RTS at seeded exponential intervals (a Poisson process of {@code rate} QP errors
 * per second), as a flaky link would. The victim is chosen with the fabric's own seeded random, so a seed
 * gives the same schedule; which QP it hits depends on what is up at that moment.
 */
final class FaultInjector {
    private final SimFaults faults;
    private final double ratePerSecond;
    private final SplittableRandom random;
    private final AtomicLong injected = new AtomicLong();
    private final Timeline timeline;
    private volatile boolean stopped;
    private Thread thread;

    /** Each fault goes to {@code timeline} (its QP and the moment) as it is injected. */
    FaultInjector(SimFaults faults, double ratePerSecond, long seed, Timeline timeline) {
        this.faults = faults;
        this.timeline = timeline;
        this.ratePerSecond = ratePerSecond;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    void start() {
        if (ratePerSecond <= 0) {
            return;
        }
        thread = new Thread(this::run, "loadgen-faults");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops injecting and returns how many QPs were broken. */
    long stop() {
        stopped = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return injected.get();
    }

    long injected() {
        return injected.get();
    }

    private void run() {
        long due = System.nanoTime() + nextGapNanos();
        while (!stopped) {
            final long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            final var victim = faults.breakRandomQp();
            if (victim.isPresent()) {
                injected.incrementAndGet();
                timeline.fault(System.nanoTime(), victim.get().qpNum());
            }
            due += nextGapNanos();
        }
    }

    private long nextGapNanos() {
        final double seconds = -Math.log(1.0 - random.nextDouble()) / ratePerSecond;
        return (long) Math.min(seconds * 1e9, 3.6e12);
    }
}
