package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.frwr.config.RecoveryStrategy;
import io.frwr.config.TransportSettings;
import io.frwr.config.WhenExhausted;
import io.frwr.frwr.MrState;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.VerbsException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Owns every MR of one transport: the free list, where each MR is, and the hand-offs to Recovery.
 *
 * <p>Acquire is the seed's loop: take a free MR; if it is not INVALID (its FAST_REG or LOCAL_INV was
 * flushed, so the hardware state is unknown), send it to Recovery and take another. When none is left the
 * request is refused at once ("no MR free": backpressure, the QP is fine) or waits, bounded, for a Release.
 *
 * <p>After a drain the pool applies the recovery strategy: {@code per-mr} sends the free MRs that are not
 * INVALID to Recovery now rather than when map meets them; {@code rebuild-on-reconnect} takes back every MR,
 * lent ones included, and has Recovery deregister and reallocate them all.
 *
 * <h2>When an MR cannot be destroyed</h2>
 * Recovery gives up on an MR after its retries. If it was already deregistered (allocation failed), nothing
 * can reach it: the slot is orphaned and a replacement is allocated, retried with backoff until the pool is
 * whole again. If deregistration itself failed, its rkey stays live in the device, so the memory it maps is
 * still reachable through any QP of its protection domain: the owner's Invalidate must not be answered. The
 * pool then retires that PD ({@link ProtectionDomains}): every other MR is rebuilt in a fresh PD, the
 * connection is dropped and remade there, and only when no QP of the old PD is open are the waiters told
 * their memory is safe. At shutdown an MR that cannot be deregistered is reported as still allocated.
 */
public final class MrPool extends AbstractBehavior<MrPool.Command> {
    /** What the pool accepts: from the QueuePair actor (acquire, release, recover), the transport and Recovery. */
    public interface Command { }

    /** Reserve {@code count} MRs for request {@code correlation}. */
    public record Acquire(long correlation, int count, ActorRef<AcquireReply> replyTo) implements Command { }

    /** The answer to {@link Acquire}: the MRs, or why none were lent. */
    public sealed interface AcquireReply { }

    /** The MRs lent for request {@code correlation}, INVALID and owned by the requester until released. */
    public record Acquired(long correlation, List<PooledMr> mrs) implements AcquireReply { }

    /** No MRs lent: too few free (when-exhausted = fail, or the wait timed out) or the pool is shutting down. */
    public record AcquireRefused(long correlation, String reason) implements AcquireReply { }

    /** MRs come back after their LOCAL_INV was posted (or the peer invalidated them). */
    public record Release(List<MappedMr> mrs) implements Command {
        /** Give back MRs that were acquired and never mapped: still INVALID, at their current generation. */
        public static Release unmapped(List<PooledMr> mrs) {
            return new Release(MappedMr.unmapped(mrs));
        }
    }

    /** A lent MR whose state is not INVALID: recover it. */
    public record Recover(PooledMr mr, int generation, String reason) implements Command { }

    /** The QP drained: apply the recovery strategy, then acknowledge so the next connection may map. */
    public record ConnectionDrained(long epoch, ActorRef<DrainSettled> replyTo) implements Command { }

    /** The pool has applied its recovery strategy to drain {@code epoch}: the next connection may map MRs. */
    public record DrainSettled(long epoch) { }

    /** How many MRs are free, registered, recovering and orphaned (for counters and gauges). */
    public record GetOccupancy(ActorRef<PoolOccupancy> replyTo) implements Command { }

    /** Every slot's place, state and rkey, for the invariant checkers. */
    public record GetAudit(ActorRef<MrAudit> replyTo) implements Command { }

    /** Flush recovery, then deregister every MR. */
    public record Shutdown(ActorRef<ShutdownDone> replyTo) implements Command { }

    /** Every MR the pool could deregister is gone; what is left is in {@code finalOccupancy} and the audit. */
    public record ShutdownDone(PoolOccupancy finalOccupancy, MrAudit finalAudit) { }

    /** Stop now (after ShutdownDone, behind every request sent to the pool before it). */
    record Terminate() implements Command { }

    record RecoveryResult(Recovery.Outcome outcome) implements Command { }

    private record WaitExpired(long correlation) implements Command { }

    /** No QP of protection domain generation {@code generation} (or older) is open any more. */
    record PdUnreachable(int generation) implements Command { }

    private record ReplaceOrphans() implements Command { }

    private record RecoveryFlushed(Recovery.Flushed flushed) implements Command { }

    private record Waiter(Acquire request) { }

    private final TransportSettings settings;
    private final ProtectionDomains pds;
    private final java.util.function.ObjIntConsumer<String> onPdRetired;
    private final int depth;
    private final TransportCounters counters;
    private final TransportEvents events;
    private final PoolGauge gauge;
    private final TimerScheduler<Command> timers;
    private final MrInventory inventory = new MrInventory();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final ActorRef<Recovery.Command> recovery;
    private final Recovery.State recoveryState;
    private ActorRef<ShutdownDone> shutdownReplyTo;
    /** MRs that could not be deregistered and whose owners wait until their PD is out of every peer's reach. */
    private final List<PooledMr> quarantined = new ArrayList<>();
    /** Orphaned slots not yet replaced (allocation failed); retried with backoff. */
    private int replacementsOwed;
    private int replacementFailures;

    /**
     * An MrPool on its own, with its Recovery child, for benchmarks and tools that drive Acquire/Release
     * directly; nobody watches its events.
     */
    public static Behavior<Command> standalone(TransportSettings settings, io.frwr.verbs.RdmaDevice device, int depth,
                                               TransportCounters counters, ExecutorService recoveryExecutor) {
        return Behaviors.setup(ctx -> create(settings, new ProtectionDomains(device), depth, counters,
                new TransportEvents(), new PoolGauge(), recoveryExecutor, (why, g) -> { }));
    }

    /** {@code onPdRetired} is told (reason, retired generation) when the pool retires a protection domain. */
    static Behavior<Command> create(TransportSettings settings, ProtectionDomains pds, int depth,
                                    TransportCounters counters, TransportEvents events, PoolGauge gauge,
                                    ExecutorService recoveryExecutor, java.util.function.ObjIntConsumer<String> onPdRetired) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new MrPool(ctx, timers, settings, pds, depth, counters, events, gauge, recoveryExecutor, onPdRetired)));
    }

    private MrPool(ActorContext<Command> ctx, TimerScheduler<Command> timers, TransportSettings settings,
                   ProtectionDomains pds, int depth, TransportCounters counters, TransportEvents events,
                   PoolGauge gauge, ExecutorService recoveryExecutor, java.util.function.ObjIntConsumer<String> onPdRetired)
            throws VerbsException {
        super(ctx);
        this.settings = settings;
        this.pds = pds;
        this.onPdRetired = onPdRetired;
        this.depth = depth;
        this.counters = counters;
        this.events = events;
        this.gauge = gauge;
        this.timers = timers;
        final int size = settings.mrPool().size();
        final List<FastRegMr> initial = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                initial.add(allocate("initial pool of " + size));
            }
        } catch (VerbsException e) {
            // The pool will not exist: give back what was allocated, so a failed start leaks nothing.
            for (FastRegMr mr : initial) {
                try {
                    pds.current().deregMr(mr);
                } catch (VerbsException ignored) {
                    // the device failing twice; the error below says why the pool did not start
                }
            }
            throw e;
        }
        for (FastRegMr mr : initial) {
            inventory.add(mr, pds.current(), pds.generation());
        }
        // Recovery's queue lives outside its behavior so that a restart after a crash loses no MR.
        this.recoveryState = new Recovery.State();
        final var rs = settings.recovery();
        this.recovery = ctx.spawn(Behaviors.supervise(Recovery.create(recoveryState, settings, pds, depth, counters,
                                events, recoveryExecutor, ctx.messageAdapter(Recovery.Outcome.class, RecoveryResult::new)))
                        .onFailure(Exception.class,
                                SupervisorStrategy.restartWithBackoff(rs.restartBackoffMin(), rs.restartBackoffMax(), 0.2)),
                "recovery");
        publishGauge();
    }

    private FastRegMr allocate(String why) throws VerbsException {
        try {
            final FastRegMr mr = pds.current().allocFastRegMr(depth);
            counters.increment(TransportCounter.MRS_ALLOCATED);
            return mr;
        } catch (VerbsException e) {
            throw new VerbsException(e.errno(), "allocating an MR of " + depth + " pages for the " + why
                    + " failed (frwr-transport.mr-pool.size / max-frmr-depth may exceed the device's limits): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Acquire.class, this::onAcquire)
                .onMessage(Release.class, this::onRelease)
                .onMessage(Recover.class, this::onRecover)
                .onMessage(RecoveryResult.class, this::onRecoveryResult)
                .onMessage(ConnectionDrained.class, this::onConnectionDrained)
                .onMessage(WaitExpired.class, this::onWaitExpired)
                .onMessage(PdUnreachable.class, this::onPdUnreachable)
                .onMessage(ReplaceOrphans.class, m -> {
                    replaceOrphans();
                    publishGauge();
                    return this;
                })
                .onMessage(GetOccupancy.class, m -> {
                    m.replyTo().tell(inventory.occupancy());
                    return this;
                })
                .onMessage(GetAudit.class, m -> {
                    m.replyTo().tell(inventory.audit());
                    return this;
                })
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(RecoveryFlushed.class, this::onRecoveryFlushed)
                .onMessage(Terminate.class, m -> Behaviors.stopped())
                .onSignal(PostStop.class, this::onPostStop)
                .build();
    }

    /**
     * Stopped without a completed Shutdown: the transport was stopped by its parent, or the ActorSystem
     * terminated before CoordinatedShutdown's task finished. The QueuePair actor, stopping with this pool,
     * disconnects its QP; here every MR still allocated is deregistered, so no rkey outlives the pool. MRs of
     * recovery jobs still running on the executor are deregistered by those jobs ({@link Recovery.State#close}).
     * After a Shutdown everything is destroyed already and this finds nothing.
     */
    private Behavior<Command> onPostStop(PostStop signal) {
        final java.util.Set<PooledMr> running = recoveryState.close(getContext().getLog());
        int released = 0;
        int failed = 0;
        for (PooledMr p : inventory.allSlots()) {
            final FastRegMr mr = p.mr();
            if (running.contains(p) || mr == null || mr.isDeregistered()) {
                continue;
            }
            if (deregisterNow(p, "when its pool stopped")) {
                released++;
            } else {
                failed++;
            }
        }
        if (released > 0 || failed > 0 || !running.isEmpty()) {
            getContext().getLog().warn("MR pool stopped without Shutdown: deregistered {} MRs, {} failed, {} left to"
                    + " the recovery jobs running", released, failed, running.size());
        }
        return this;
    }

    private Behavior<Command> onAcquire(Acquire m) {
        if (shutdownReplyTo != null) {
            m.replyTo().tell(new AcquireRefused(m.correlation(), "the transport is shutting down"));
            return this;
        }
        if (waiters.isEmpty() && tryServe(m)) {
            return this; // tryServe published the occupancy before it replied
        }
        if (settings.mrPool().whenExhausted() == WhenExhausted.WAIT) {
            waiters.addLast(new Waiter(m));
            timers.startSingleTimer(m.correlation(), new WaitExpired(m.correlation()),
                    settings.mrPool().acquireTimeout());
        } else {
            refuse(m);
        }
        publishGauge(); // stale MRs met on the way may have gone to recovery
        return this;
    }

    /** The seed's loop: MRs that are not INVALID go to recovery and the next one is tried. */
    private boolean tryServe(Acquire m) {
        if (inventory.freeCount() < m.count()) {
            return false;
        }
        final List<PooledMr> got = new ArrayList<>(m.count());
        while (got.size() < m.count()) {
            final PooledMr p = inventory.pollFree();
            if (p == null) {
                // Stale MRs ate the margin: give back what we took, in order, and wait or refuse.
                for (PooledMr g : got) {
                    inventory.release(g, g.generation());
                }
                return false;
            }
            if (p.state() != MrState.INVALID) {
                counters.increment(TransportCounter.STALE_MRS_SKIPPED);
                sendToRecovery(p, "found " + p.state() + " at acquire");
                continue;
            }
            got.add(p);
            if (events.active()) {
                events.publish(new TransportEvent.MrAcquired(p.slot()));
            }
        }
        publishGauge(); // before the reply: whoever hears of the MRs must not read an older occupancy
        m.replyTo().tell(new Acquired(m.correlation(), got));
        return true;
    }

    private void refuse(Acquire m) {
        counters.increment(TransportCounter.NO_MR_FAILURES);
        final PoolOccupancy o = inventory.occupancy();
        final int usable = o.allocated() - o.orphaned();
        m.replyTo().tell(new AcquireRefused(m.correlation(), m.count() > usable
                ? "no MR free: " + m.count() + " needed, but only " + usable + " of the pool's "
                        + settings.mrPool().size() + " MRs are usable now (" + o.orphaned() + " orphaned, "
                        + replacementsOwed + " replacements being retried)"
                : "no MR free: " + m.count() + " needed, " + inventory.freeCount() + " free of " + o.allocated()));
    }

    private void serveWaiters() {
        while (!waiters.isEmpty()) {
            final Waiter w = waiters.peekFirst();
            if (!tryServe(w.request())) {
                return;
            }
            waiters.pollFirst();
            timers.cancel(w.request().correlation());
        }
    }

    private Behavior<Command> onWaitExpired(WaitExpired m) {
        waiters.removeIf(w -> {
            if (w.request().correlation() == m.correlation()) {
                refuse(w.request());
                return true;
            }
            return false;
        });
        serveWaiters(); // the expired one may have been first in line, blocking smaller requests behind it
        publishGauge();
        return this;
    }

    private Behavior<Command> onRelease(Release m) {
        for (MappedMr r : m.mrs()) {
            if (!inventory.release(r.mr(), r.generation())) {
                counters.increment(TransportCounter.STALE_RELEASES_IGNORED);
            }
        }
        serveWaiters();
        publishGauge();
        return this;
    }

    private Behavior<Command> onRecover(Recover m) {
        getContext().getLog().debug("recover {} (mapped gen {}, where {}): {}", m.mr(), m.generation(),
                inventory.where(m.mr()), m.reason());
        final MrInventory.Where where = inventory.where(m.mr());
        if (m.mr().generation() == m.generation()
                && (where == MrInventory.Where.LENT || where == MrInventory.Where.FREE)) {
            sendToRecovery(m.mr(), m.reason());
            publishGauge();
        }
        return this;
    }

    private void sendToRecovery(PooledMr p, String reason) {
        if (inventory.toRecovery(p)) {
            if (events.active()) {
                events.publish(new TransportEvent.MrToRecovery(p.slot(), reason));
            }
            recovery.tell(new Recovery.Recover(p, reason));
        }
    }

    private Behavior<Command> onRecoveryResult(RecoveryResult r) {
        final Recovery.Outcome o = r.outcome();
        if (o instanceof Recovery.Recovered rec) {
            inventory.recovered(rec.mr());
            if (rec.mr().pdGeneration() != pds.generation()) {
                // Allocated just before its PD was retired: it must live in the current one.
                sendToRecovery(rec.mr(), "allocated in retired protection domain " + rec.mr().pdGeneration());
            }
            serveWaiters();
        } else if (o instanceof Recovery.Orphaned orph) {
            inventory.orphaned(orph.mr());
            if (orph.stillRegistered()) {
                quarantine(orph.mr(), orph.reason());
            }
            // Keep the pool at its size: a replacement slot stands in for the orphan, retried until it exists.
            replacementsOwed++;
            replaceOrphans();
        }
        publishGauge();
        return this;
    }

    /** Allocate the replacements owed; on failure try again after a backoff, so the pool heals. */
    private void replaceOrphans() {
        while (replacementsOwed > 0 && shutdownReplyTo == null) {
            try {
                inventory.add(allocate("replacement of an orphaned MR"), pds.current(), pds.generation());
                replacementsOwed--;
                replacementFailures = 0;
            } catch (VerbsException e) {
                counters.increment(TransportCounter.MR_REPLACEMENTS_FAILED);
                replacementFailures++;
                final java.time.Duration backoff = Recovery.backoff(settings.recovery(), replacementFailures);
                getContext().getLog().warn("could not replace an orphaned MR ({} owed), retrying in {} ms: {}",
                        replacementsOwed, backoff.toMillis(), e.getMessage());
                timers.startSingleTimer(ReplaceOrphans.class, new ReplaceOrphans(), backoff);
                return;
            }
        }
        serveWaiters();
    }

    /**
     * Deregistration failed for good: the MR's rkey stays live. Its owners wait until no QP of its protection
     * domain is open; if that PD is the current one it is retired now.
     */
    private void quarantine(PooledMr p, String why) {
        counters.increment(TransportCounter.MRS_UNDEREGISTERED);
        if (p.pdGeneration() != pds.generation() && !pds.reachable(p.pdGeneration())) {
            p.unreachable(); // its PD is retired and its last QP is gone already: nothing reaches it
            return;
        }
        quarantined.add(p);
        if (p.pdGeneration() != pds.generation() || shutdownReplyTo != null) {
            return; // already retired (released when its last QP closes), or shutting down (released at the end)
        }
        final int retired;
        try {
            retired = pds.retire();
        } catch (VerbsException e) {
            getContext().getLog().error("{} could not be deregistered and no new protection domain could be"
                    + " allocated ({}): its owners wait until the transport shuts down", p, e.getMessage());
            return;
        }
        counters.increment(TransportCounter.PDS_RETIRED);
        getContext().getLog().error("{} could not be deregistered ({}); retiring protection domain {}: every MR is"
                + " rebuilt in a new one and the connection is remade there", p, why, retired);
        rebuild(q -> q.pdGeneration() <= retired, "protection domain " + retired + " retired");
        onPdRetired.accept(p + " could not be deregistered", retired);
    }

    /**
     * Sends every MR {@code which} accepts to recovery, lent ones included: those are marked RETIRED, so their
     * owner's Invalidate waits for the deregistration instead of posting LOCAL_INV.
     */
    private void rebuild(java.util.function.Predicate<PooledMr> which, String why) {
        for (PooledMr p : inventory.lentSlots()) {
            if (which.test(p)) {
                p.apply(io.frwr.frwr.MrEvent.RETIRED);
                sendToRecovery(p, why + " (was lent)");
            }
        }
        for (PooledMr p : inventory.freeSlots()) {
            if (which.test(p)) {
                sendToRecovery(p, why);
            }
        }
    }

    private Behavior<Command> onPdUnreachable(PdUnreachable m) {
        quarantined.removeIf(p -> {
            if (p.pdGeneration() <= m.generation()) {
                getContext().getLog().info("{} is out of every peer's reach (no QP of protection domain {} is open):"
                        + " releasing its owners", p, p.pdGeneration());
                p.unreachable();
                return true;
            }
            return false;
        });
        return this;
    }

    private Behavior<Command> onConnectionDrained(ConnectionDrained m) {
        if (settings.recovery().strategy() == RecoveryStrategy.REBUILD_ON_RECONNECT) {
            // The later kernel's way: nothing registered survives a disconnect.
            rebuild(p -> true, "rebuild on reconnect");
        } else {
            for (PooledMr p : inventory.freeSlots()) {
                if (p.state() != MrState.INVALID) {
                    sendToRecovery(p, "eager recovery after drain: " + p.state());
                }
            }
        }
        publishGauge();
        m.replyTo().tell(new DrainSettled(m.epoch()));
        return this;
    }

    private Behavior<Command> onShutdown(Shutdown m) {
        shutdownReplyTo = m.replyTo();
        for (Waiter w : waiters) {
            timers.cancel(w.request().correlation());
            w.request().replyTo().tell(new AcquireRefused(w.request().correlation(), "the transport is shutting down"));
        }
        waiters.clear();
        recovery.tell(new Recovery.Flush(getContext().messageAdapter(Recovery.Flushed.class, RecoveryFlushed::new)));
        return this;
    }

    /**
     * Recovery has finished its in-flight work and handed back what it had not started (failed ones included):
     * now destroy all. The QueuePair actor has stopped, so no QP is open: an MR that cannot be deregistered
     * reaches nobody, and its owners are released, but it is reported as still allocated, never as destroyed.
     */
    private Behavior<Command> onRecoveryFlushed(RecoveryFlushed f) {
        for (PooledMr p : f.flushed().handedBack()) {
            destroy(p);
        }
        for (PooledMr p : inventory.freeSlots()) {
            inventory.toRecovery(p);
            destroy(p);
        }
        for (PooledMr p : inventory.lentSlots()) {
            inventory.toRecovery(p);
            destroy(p);
        }
        for (PooledMr p : inventory.orphanedSlots()) {
            if (p.mr() != null && !p.mr().isDeregistered() && deregisterNow(p, "at shutdown either")) {
                inventory.destroyedOrphan(p);
            }
        }
        quarantined.forEach(PooledMr::unreachable);
        quarantined.clear();
        publishGauge();
        final PoolOccupancy left = inventory.occupancy();
        if (left.allocated() > 0) {
            getContext().getLog().error("shutdown left {} MRs allocated in the device (deregistration failed);"
                    + " no QP is open, so they reach no memory", left.allocated());
        }
        shutdownReplyTo.tell(new ShutdownDone(left, inventory.audit()));
        return this; // answers audits until the transport sends Terminate
    }

    /** Deregisters the slot's MR on this thread; false, logged with {@code when}, if the device refuses. */
    private boolean deregisterNow(PooledMr p, String when) {
        try {
            p.pd().deregMr(p.mr());
        } catch (VerbsException e) {
            getContext().getLog().error("{} could not be deregistered {}: {}", p, when, e.getMessage());
            return false;
        }
        p.deregistered();
        counters.increment(TransportCounter.MRS_DESTROYED);
        return true;
    }

    private void destroy(PooledMr p) {
        final FastRegMr mr = p.mr();
        if (mr != null && !mr.isDeregistered()) {
            try {
                p.pd().deregMr(mr);
            } catch (VerbsException e) {
                getContext().getLog().warn("deregistering {} at shutdown failed: {}", p, e.getMessage());
                counters.increment(TransportCounter.MRS_UNDEREGISTERED);
                inventory.orphaned(p);
                p.unreachable(); // no QP is open any more
                return;
            }
        }
        if (mr != null) {
            p.deregistered();
        } else {
            p.unreachable();
        }
        inventory.destroyed(p);
        counters.increment(TransportCounter.MRS_DESTROYED);
    }

    private void publishGauge() {
        gauge.set(inventory.occupancy());
    }
}
