package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.testkit.ExplicitlyTriggeredScheduler;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ManualTime without its pause: {@code ManualTime.timePasses} sleeps 100 ms of real time on every call
 * (to let other threads catch up), which would make the soak's thousands of small ticks take hours. The kit
 * waits for quiescence itself, so it runs the due timers and moves the scheduler's clock directly.
 */
final class ManualClock {
    private final ExplicitlyTriggeredScheduler scheduler;
    private final AtomicLong currentTime;

    ManualClock(ActorTestKit kit) {
        if (!(kit.system().classicSystem().scheduler() instanceof ExplicitlyTriggeredScheduler s)) {
            throw new IllegalArgumentException("the actor system does not run on ManualTime's scheduler");
        }
        this.scheduler = s;
        try {
            final Field f = ExplicitlyTriggeredScheduler.class.getDeclaredField("currentTime");
            f.setAccessible(true);
            this.currentTime = (AtomicLong) f.get(s);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Akka's ExplicitlyTriggeredScheduler has no currentTime field", e);
        }
    }

    /** Manual time now, in milliseconds since the actor system started. */
    long nowMillis() {
        return scheduler.currentTimeMs();
    }

    /** Fire every timer due within {@code d}, in due order, then move the clock to the end of it. */
    void advance(Duration d) {
        final long to = scheduler.currentTimeMs() + d.toMillis();
        scheduler.executeTasks(to);
        currentTime.set(to);
    }
}
