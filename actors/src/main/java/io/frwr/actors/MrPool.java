package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
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
 */
public final class MrPool extends AbstractBehavior<MrPool.Command> {
    public interface Command { }

    /** Reserve {@code count} MRs for request {@code correlation}. */
    public record Acquire(long correlation, int count, ActorRef<AcquireReply> replyTo) implements Command { }

    public sealed interface AcquireReply { }

    public record Acquired(long correlation, List<PooledMr> mrs) implements AcquireReply { }

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

    public record DrainSettled(long epoch) { }

    public record GetOccupancy(ActorRef<PoolOccupancy> replyTo) implements Command { }

    public record GetAudit(ActorRef<MrAudit> replyTo) implements Command { }

    /** Flush recovery, then deregister every MR. */
    public record Shutdown(ActorRef<ShutdownDone> replyTo) implements Command { }

    public record ShutdownDone(PoolOccupancy finalOccupancy) { }

    record RecoveryResult(Recovery.Outcome outcome) implements Command { }

    private record WaitExpired(long correlation) implements Command { }

    private record RecoveryFlushed(Recovery.Flushed flushed) implements Command { }

    private record Waiter(Acquire request) { }

    private final TransportSettings settings;
    private final ProtectionDomain pd;
    private final int depth;
    private final TransportCounters counters;
    private final TransportEvents events;
    private final PoolGauge gauge;
    private final TimerScheduler<Command> timers;
    private final MrInventory inventory = new MrInventory();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final ActorRef<Recovery.Command> recovery;
    private ActorRef<ShutdownDone> shutdownReplyTo;

    /**
     * An MrPool on its own, with its Recovery child, for benchmarks and tools that drive Acquire/Release
     * directly; nobody watches its events.
     */
    public static Behavior<Command> standalone(TransportSettings settings, ProtectionDomain pd, int depth,
                                               TransportCounters counters, ExecutorService recoveryExecutor) {
        return create(settings, pd, depth, counters, new TransportEvents(), new PoolGauge(), recoveryExecutor);
    }

    static Behavior<Command> create(TransportSettings settings, ProtectionDomain pd, int depth,
                                           TransportCounters counters, TransportEvents events, PoolGauge gauge,
                                           ExecutorService recoveryExecutor) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new MrPool(ctx, timers, settings, pd, depth, counters, events, gauge, recoveryExecutor)));
    }

    private MrPool(ActorContext<Command> ctx, TimerScheduler<Command> timers, TransportSettings settings,
                   ProtectionDomain pd, int depth, TransportCounters counters, TransportEvents events,
                   PoolGauge gauge, ExecutorService recoveryExecutor) throws VerbsException {
        super(ctx);
        this.settings = settings;
        this.pd = pd;
        this.depth = depth;
        this.counters = counters;
        this.events = events;
        this.gauge = gauge;
        this.timers = timers;
        final int size = settings.mrPool().size();
        for (int i = 0; i < size; i++) {
            inventory.add(allocate("initial pool of " + size));
        }
        // Recovery's queue lives outside its behavior so that a restart after a crash loses no MR.
        final Recovery.State recoveryState = new Recovery.State();
        final var rs = settings.recovery();
        this.recovery = ctx.spawn(Behaviors.supervise(Recovery.create(recoveryState, settings, pd, depth, counters,
                                events, recoveryExecutor, ctx.messageAdapter(Recovery.Outcome.class, RecoveryResult::new)))
                        .onFailure(Exception.class,
                                SupervisorStrategy.restartWithBackoff(rs.restartBackoffMin(), rs.restartBackoffMax(), 0.2)),
                "recovery");
        publishGauge();
    }

    private FastRegMr allocate(String why) throws VerbsException {
        try {
            final FastRegMr mr = pd.allocFastRegMr(depth);
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
                .build();
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
        m.replyTo().tell(new AcquireRefused(m.correlation(), "no MR free: " + m.count() + " needed, "
                + inventory.freeCount() + " free of " + inventory.occupancy().allocated()));
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
        if (m.mr().generation() == m.generation() && inventory.where(m.mr()) == MrInventory.Where.LENT) {
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
            serveWaiters();
        } else if (o instanceof Recovery.Orphaned orph) {
            inventory.orphaned(orph.mr());
            // Keep the pool at its size: a replacement slot stands in for the orphan.
            try {
                inventory.add(allocate("replacement of orphaned " + orph.mr()));
                serveWaiters();
            } catch (VerbsException e) {
                counters.increment(TransportCounter.MR_REPLACEMENTS_FAILED);
                getContext().getLog().error("could not replace orphaned {}: {}", orph.mr(), e.getMessage());
            }
        }
        publishGauge();
        return this;
    }

    private Behavior<Command> onConnectionDrained(ConnectionDrained m) {
        if (settings.recovery().strategy() == RecoveryStrategy.REBUILD_ON_RECONNECT) {
            // The later kernel's way: nothing registered survives a disconnect. Lent MRs are marked STALE
            // so their owner's Invalidate waits for the deregistration instead of posting LOCAL_INV.
            for (PooledMr p : inventory.lentSlots()) {
                p.setState(MrState.STALE);
                sendToRecovery(p, "rebuild on reconnect (was lent)");
            }
            for (PooledMr p : inventory.freeSlots()) {
                sendToRecovery(p, "rebuild on reconnect");
            }
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

    /** Recovery has finished its in-flight work and handed back what it had not started: now destroy all. */
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
        publishGauge();
        shutdownReplyTo.tell(new ShutdownDone(inventory.occupancy()));
        return Behaviors.stopped();
    }

    private void destroy(PooledMr p) {
        final FastRegMr mr = p.mr();
        if (mr != null) {
            try {
                pd.deregMr(mr);
            } catch (VerbsException e) {
                getContext().getLog().warn("deregistering {} at shutdown failed: {}", p, e.getMessage());
            }
        }
        p.deregistered();
        inventory.destroyed(p);
        counters.increment(TransportCounter.MRS_DESTROYED);
    }

    private void publishGauge() {
        gauge.set(inventory.occupancy());
    }
}
