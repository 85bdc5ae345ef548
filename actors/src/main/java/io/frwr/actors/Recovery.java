package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.VerbsException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Recovers broken MRs off the hot path: deregister (every rkey of the MR dies, so callers waiting on a
 * fence are released), allocate a fresh MR (new index, new rkey), hand it back INVALID.
 *
 * <p>At most {@code parallelism} recoveries run at once, on a dedicated executor, because dereg and alloc
 * block in firmware. A failed step is retried with exponential backoff; after {@code max-retries} the MR is
 * orphaned and the pool replaces it. The queue lives in {@link State}, outside the behavior, so a crash
 * and restart (the supervisor's backoff) loses no MR: work in flight completes into the restarted actor,
 * queued and retry-waiting work is picked up again. Flush finishes in-flight work and hands back the rest,
 * so nothing is being recovered while the pool destroys MRs at shutdown. If the pool stops without that
 * (its transport stopped by a parent), {@link State#close} makes jobs still running on the executor
 * deregister the MR they allocate instead of handing it to an actor that is gone.
 */
public final class Recovery {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Recovery.class);

    /** What the Recovery actor accepts from its pool. */
    public interface Command { }

    /** Deregister {@code mr} and allocate a fresh one in its slot; {@code reason} is for the log. */
    public record Recover(PooledMr mr, String reason) implements Command { }

    /** Stop taking work and answer once every job has ended (before the pool destroys MRs at shutdown). */
    public record Flush(ActorRef<Flushed> replyTo) implements Command { }

    /** Every job ended; {@code handedBack} holds the MRs that were queued and never recovered. */
    public record Flushed(List<PooledMr> handedBack) { }

    /** How one recovery ended, reported to the pool. */
    public sealed interface Outcome { }

    /** A fresh MR, INVALID, ready to go back to the free list. */
    public record Recovered(PooledMr mr) implements Outcome { }

    /**
     * Given up after the retries. {@code stillRegistered}: deregistration itself failed, so the MR's rkey is
     * still live in the device and its owners must wait until nothing can reach it (the pool sees to that).
     */
    public record Orphaned(PooledMr mr, String reason, boolean stillRegistered) implements Outcome { }

    private record StepDone(Job job, Fresh fresh, Throwable failure) implements Command { }

    /** A freshly allocated MR and the protection domain (generation) it was allocated in. */
    private record Fresh(FastRegMr mr, ProtectionDomains.Current pd) { }

    private record RetryDue(Job job) implements Command { }

    private enum Step { DEREG, ALLOC }

    /**
     * One MR's recovery. Its {@code step} is written on the executor thread and read by the actor after the
     * step's future completed (pipeToSelf), which orders the two; nothing else touches it.
     */
    private static final class Job {
        final PooledMr mr;
        final String reason;
        Step step = Step.DEREG;
        int failures;
        /** The MR this job allocated, until the actor took it; guarded by {@link State#lock}. */
        Fresh fresh;

        Job(PooledMr mr, String reason) {
            this.mr = mr;
            this.reason = reason;
        }
    }

    /** What survives a restart. Touched only by the Recovery actor (one incarnation at a time). */
    static final class State {
        private final ArrayDeque<Job> pending = new ArrayDeque<>();
        private final Set<Job> inFlight = new HashSet<>();
        private final Set<Job> waitingRetry = new HashSet<>();
        private ActorRef<Flushed> flushReplyTo;
        private final List<PooledMr> handedBack = new ArrayList<>();
        private final Object lock = new Object();
        private boolean closed;

        int inFlight() {
            return inFlight.size();
        }

        /**
         * The pool stopped (after this actor did) without a Shutdown: from now on a job still running on the
         * executor deregisters the MR it allocates, and one that already allocated has it deregistered here.
         * Returns the slots of the jobs in flight, whose old MR their job deregisters; every other MR is the
         * pool's to deregister. Called on the pool's thread once this actor has stopped.
         */
        Set<PooledMr> close(org.slf4j.Logger log) {
            final Set<PooledMr> running = new HashSet<>();
            synchronized (lock) {
                closed = true;
                for (Job j : inFlight) {
                    running.add(j.mr);
                    if (j.fresh != null) {
                        deregQuietly(j.fresh, log);
                        j.fresh = null;
                    }
                }
            }
            return running;
        }

        private static void deregQuietly(Fresh f, org.slf4j.Logger log) {
            try {
                f.pd().pd().deregMr(f.mr());
            } catch (VerbsException e) {
                log.error("deregistering a freshly recovered MR after its pool stopped failed: {}", e.getMessage());
            }
        }
    }

    private Recovery() {
    }

    /** The retry backoff after {@code failures} failures: doubling from retry-backoff-min, capped at the max. */
    static Duration backoff(io.frwr.config.RecoverySettings rs, int failures) {
        final long nanos = rs.retryBackoffMin().toNanos() << Math.min(20, Math.max(0, failures - 1));
        return Duration.ofNanos(Math.min(rs.retryBackoffMax().toNanos(), nanos));
    }

    static Behavior<Command> create(State state, TransportSettings settings, ProtectionDomains pds, int depth,
                                    TransportCounters counters, TransportEvents events, ExecutorService executor,
                                    ActorRef<Outcome> pool) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final Worker w = new Worker(ctx, timers, state, settings, pds, depth, counters, events, executor, pool);
            w.resume();
            return w.behavior();
        }));
    }

    private static final class Worker {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final State state;
        private final TransportSettings settings;
        private final ProtectionDomains pds;
        private final int depth;
        private final TransportCounters counters;
        private final TransportEvents events;
        private final ExecutorService executor;
        private final ActorRef<Outcome> pool;

        Worker(ActorContext<Command> ctx, TimerScheduler<Command> timers, State state, TransportSettings settings,
               ProtectionDomains pds, int depth, TransportCounters counters, TransportEvents events,
               ExecutorService executor, ActorRef<Outcome> pool) {
            this.ctx = ctx;
            this.timers = timers;
            this.state = state;
            this.settings = settings;
            this.pds = pds;
            this.depth = depth;
            this.counters = counters;
            this.events = events;
            this.executor = executor;
            this.pool = pool;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Recover.class, this::onRecover)
                    .onMessage(StepDone.class, this::onStepDone)
                    .onMessage(RetryDue.class, this::onRetryDue)
                    .onMessage(Flush.class, this::onFlush)
                    .build();
        }

        /** After a (re)start: timers died with the old incarnation, so re-arm them, then fill the workers. */
        void resume() {
            for (Job j : state.waitingRetry) {
                timers.startSingleTimer(j, new RetryDue(j), backoff(settings.recovery(), j.failures));
            }
            dispatch();
        }

        private Behavior<Command> onRecover(Recover m) {
            final Job job = new Job(m.mr(), m.reason());
            if (state.flushReplyTo != null) {
                state.handedBack.add(job.mr);
                return Behaviors.same();
            }
            state.pending.addLast(job);
            dispatch();
            return Behaviors.same();
        }

        private void dispatch() {
            final int parallelism = settings.recovery().parallelism();
            while (state.inFlight.size() < parallelism && !state.pending.isEmpty() && state.flushReplyTo == null) {
                start(state.pending.pollFirst());
            }
        }

        private void start(Job job) {
            ctx.getLog().debug("recovering {} ({}), step {}", job.mr, job.reason, job.step);
            state.inFlight.add(job);
            final CompletableFuture<Fresh> f = CompletableFuture.supplyAsync(() -> {
                try {
                    if (job.step == Step.DEREG) {
                        final FastRegMr old = job.mr.mr();
                        if (old != null && !old.isDeregistered()) {
                            job.mr.pd().deregMr(old); // in the PD it was allocated in, which may be retired
                        }
                        job.mr.deregistered();
                        job.step = Step.ALLOC;
                    }
                    synchronized (state.lock) {
                        if (state.closed) {
                            return null; // the pool is gone: the old MR is deregistered, allocate nothing
                        }
                    }
                    final ProtectionDomains.Current cur = pds.snapshot();
                    final Fresh fresh = new Fresh(cur.pd().allocFastRegMr(depth), cur);
                    synchronized (state.lock) {
                        if (state.closed) {
                            State.deregQuietly(fresh, LOG); // not ctx.getLog(): this is the executor's thread
                            return null;
                        }
                        job.fresh = fresh;
                    }
                    return fresh;
                } catch (VerbsException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, executor);
            ctx.pipeToSelf(f, (fresh, failure) -> new StepDone(job, fresh, unwrap(failure)));
        }

        private static Throwable unwrap(Throwable t) {
            return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        }

        private Behavior<Command> onStepDone(StepDone m) {
            final Job job = m.job();
            state.inFlight.remove(job);
            synchronized (state.lock) {
                job.fresh = null; // taken: from here the pool owns it
            }
            if (m.fresh() == null && m.failure() == null) {
                return Behaviors.same(); // the pool had stopped: the job deregistered and allocated nothing
            }
            if (m.failure() == null) {
                job.mr.reinitialized(m.fresh().mr(), m.fresh().pd().pd(), m.fresh().pd().generation());
                counters.increment(TransportCounter.MRS_RECOVERED);
                counters.increment(TransportCounter.MRS_ALLOCATED);
                if (events.active()) {
                    events.publish(new TransportEvent.MrRecovered(job.mr.slot(), m.fresh().mr().rkey()));
                }
                pool.tell(new Recovered(job.mr));
            } else if (m.failure() instanceof VerbsException e) {
                job.failures++;
                if (state.flushReplyTo != null) {
                    // Shutting down: no retry will run; the pool gets it back and destroys it (or reports it).
                    state.handedBack.add(job.mr);
                } else if (job.failures > settings.recovery().maxRetries()) {
                    orphan(job, e);
                } else {
                    ctx.getLog().debug("recovery of {} failed at {} (attempt {}): {}", job.mr, job.step, job.failures,
                            e.getMessage());
                    state.waitingRetry.add(job);
                    timers.startSingleTimer(job, new RetryDue(job), backoff(settings.recovery(), job.failures));
                }
            } else {
                // Not a verbs error: a provider bug. Keep the job first in line and let the supervisor restart us.
                state.pending.addFirst(job);
                throw new IllegalStateException("recovery of " + job.mr + " failed unexpectedly", m.failure());
            }
            maybeFinishFlush();
            dispatch();
            return Behaviors.same();
        }

        private void orphan(Job job, VerbsException e) {
            final String why = job.step == Step.DEREG
                    ? "deregistration failed " + job.failures + " times: " + e.getMessage()
                    : "allocation of a fresh MR failed " + job.failures + " times: " + e.getMessage();
            // If deregistration failed, the rkey may still be live: callers waiting on the MR stay waiting, and the
            // pool takes it out of every peer's reach (retiring its protection domain) before they are released.
            ctx.getLog().error("{} orphaned: {}", job.mr, why);
            counters.increment(TransportCounter.MRS_ORPHANED);
            if (events.active()) {
                events.publish(new TransportEvent.MrOrphaned(job.mr.slot(), why));
            }
            pool.tell(new Orphaned(job.mr, why, job.step == Step.DEREG));
        }


        private Behavior<Command> onRetryDue(RetryDue m) {
            if (state.waitingRetry.remove(m.job())) {
                if (state.flushReplyTo != null) {
                    state.handedBack.add(m.job().mr);
                    maybeFinishFlush();
                } else {
                    state.pending.addFirst(m.job());
                    dispatch();
                }
            }
            return Behaviors.same();
        }

        private Behavior<Command> onFlush(Flush m) {
            state.flushReplyTo = m.replyTo();
            for (Job j : state.pending) {
                state.handedBack.add(j.mr);
            }
            state.pending.clear();
            for (Job j : state.waitingRetry) {
                timers.cancel(j);
                state.handedBack.add(j.mr);
            }
            state.waitingRetry.clear();
            maybeFinishFlush();
            return Behaviors.same();
        }

        private void maybeFinishFlush() {
            if (state.flushReplyTo != null && state.inFlight.isEmpty()) {
                state.flushReplyTo.tell(new Flushed(List.copyOf(state.handedBack)));
                state.handedBack.clear();
            }
        }
    }
}
