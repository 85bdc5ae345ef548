package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.config.TransportSettings;
import io.frwr.frwr.FrwrMapper;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsProviders;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transport users spawn in their own ActorSystem: one RDMA connection to a responder, with FRWR
 * registration from an MR pool, supervised MR recovery and drain-then-reconnect.
 *
 * <pre>
 * RdmaTransport ─┬─ MrPool ── Recovery (restart with backoff; its queue survives)
 *                ├─ QueuePair actor (the only poster of WRs; outlives connections)
 *                └─ Connection (restart with backoff = reconnect, after the QueuePair actor drained)
 * </pre>
 * Nothing is global: several transports live side by side in one system, each with its own counters. The passive
 * side is the same transport with an accepted connection instead of this Connection: see {@link RdmaListener}.
 *
 * <h2>When the system stops</h2>
 * Each transport adds a task to the system's CoordinatedShutdown, phase {@code before-actor-system-terminate}:
 * the last phase in which actors still run, so that the user's own tasks of earlier phases (finishing requests
 * in {@code service-requests-done}, cluster sharding's hand-off) can still use RDMA. The task sends
 * {@link Shutdown} and waits for {@link ShutdownComplete}, at most {@code frwr-transport.coordinated-shutdown.timeout};
 * a transport already shut down answers at once. So {@code system.terminate()} leaves no MR allocated, no rkey
 * live, and the peer sees the disconnect. A transport stopped some other way (its parent stopped it, or the
 * bound passed) cancels its task; its QueuePair actor disconnects the QP and its MR pool deregisters every MR it
 * still holds as they stop, without a drain: outstanding callers get no answer then (see docs/safety.md).
 */
public final class RdmaTransport {
    /** Everything a user may send to the transport; the records below are its whole public protocol. */
    public interface Command { }

    /**
     * Register chunks; one MR per chunk (more when a chunk is longer than one MR maps). With a
     * {@code message}, the SEND it builds is posted in the same chain right after the FAST_REGs (one post,
     * no second round trip); its completion is reported to {@code sendReplyTo} (may be null) and a non-zero
     * {@code epoch} binds the request to that connection, as for {@link Send}.
     */
    public record Register(List<ChunkRequest> chunks, long cookie, ActorRef<RegisterReply> replyTo,
                           MessageBuilder message, ActorRef<SendReply> sendReplyTo, long epoch)
            implements Command, QueuePairActor.Command {
        /** Register only: no SEND, on whichever connection is up. */
        public Register(List<ChunkRequest> chunks, long cookie, ActorRef<RegisterReply> replyTo) {
            this(chunks, cookie, replyTo, null, null, 0);
        }

        /** Register, then SEND what {@code message} builds from the registration, in one chain. */
        public static Register andSend(List<ChunkRequest> chunks, MessageBuilder message, long cookie,
                                       ActorRef<RegisterReply> replyTo, ActorRef<SendReply> sendReplyTo, long epoch) {
            return new Register(chunks, cookie, replyTo, message, sendReplyTo, epoch);
        }
    }

    /** The answer to {@link Register}: exactly one per request, carrying its {@code cookie}. */
    public sealed interface RegisterReply {
        /** {@return the cookie of the request this answers} */
        long cookie();
    }

    /** The FAST_REGs are posted: send-queue order runs them before any SEND posted after this reply. */
    public record Registered(long cookie, Registration registration) implements RegisterReply { }

    /** Nothing was registered (no MR was left mapped); {@code error} says why. */
    public record RegisterFailed(long cookie, TransportError error) implements RegisterReply { }

    /**
     * Invalidate a registration; the reply comes when the caller's memory is safe to reuse (LOCAL_INV
     * completed, the peer invalidated it, or recovery deregistered the MR). {@code remotelyInvalidatedRkey}
     * is the rkey a SEND_WITH_INV reply carried, if {@code remoteInvalidation}.
     */
    public record Invalidate(Registration registration, boolean remoteInvalidation, int remotelyInvalidatedRkey,
                             ActorRef<Invalidated> replyTo) implements Command, QueuePairActor.Command {
        /** {@return an Invalidate that posts LOCAL_INVs (the usual case)} */
        public static Invalidate of(Registration registration, ActorRef<Invalidated> replyTo) {
            return new Invalidate(registration, false, 0, replyTo);
        }

        /** {@return an Invalidate for a reply that came with SEND_WITH_INV of {@code rkey}; trusted only if a received completion named it} */
        public static Invalidate afterRemoteInvalidation(Registration registration, int rkey,
                                                         ActorRef<Invalidated> replyTo) {
            return new Invalidate(registration, true, rkey, replyTo);
        }
    }

    /**
     * The answer to Invalidate. {@code fenced} is true when no peer can reach the registration's memory any more
     * (the LOCAL_INV completed, a received SEND_WITH_INV named the rkey, the MR was deregistered, or no QP of
     * its protection domain is open); the transport never answers true earlier, and never answers at all while
     * that is not so. {@code fenced} is false only with an {@code error}: the request was refused (BAD_REQUEST:
     * a registration of another transport) or the transport failed, and nothing is said about the memory.
     */
    public record Invalidated(Registration registration, boolean fenced, TransportError error) {
        /** An answer without an error. */
        public Invalidated(Registration registration, boolean fenced) {
            this(registration, fenced, null);
        }
    }

    /**
     * SEND the gathered bytes; {@code replyTo} may be null (then the SEND is signaled only as needed).
     * A non-zero {@code epoch} binds the message to that connection: if it is gone, the Send fails with
     * CONNECTION_LOST instead of carrying stale rkeys onto the next one.
     */
    public record Send(List<Segment> sgl, long cookie, ActorRef<SendReply> replyTo, long epoch)
            implements Command, QueuePairActor.Command {
        /** A SEND on whichever connection is up. */
        public Send(List<Segment> sgl, long cookie, ActorRef<SendReply> replyTo) {
            this(sgl, cookie, replyTo, 0);
        }
    }

    /** The answer to {@link Send} (or to a Register's SEND), carrying its {@code cookie}. */
    public sealed interface SendReply {
        /** {@return the cookie of the request this answers} */
        long cookie();
    }

    /** The SEND completed successfully on the send queue. */
    public record Sent(long cookie) implements SendReply { }

    /** The SEND was not posted, or did not complete; {@code error} says why. */
    public record SendFailed(long cookie, TransportError error) implements SendReply { }

    /** Receive inbound messages and connection up/down news. */
    public record Subscribe(ActorRef<Inbound> subscriber) implements Command, QueuePairActor.Command { }

    /** What a {@link Subscribe}r receives: the peer's messages and news of the connection. */
    public sealed interface Inbound { }

    /** A message the peer sent; {@code message} is a private read-only copy. */
    public record Received(long epoch, ByteBuffer message, boolean withInvalidate, int invalidatedRkey)
            implements Inbound { }

    /** Connection {@code epoch} is established; {@code privateData} is what the peer sent in its CM reply. */
    public record ConnectionUp(long epoch, byte[] privateData) implements Inbound { }

    /** Connection {@code epoch} is lost or closed; {@code gaveUp} when no reconnect will follow. */
    public record ConnectionDown(long epoch, String reason, boolean gaveUp) implements Inbound { }

    /** Follow every state change of the transport (QP errors, drains, recoveries, reconnects) as {@link TransportEvent}s. */
    public record WatchEvents(ActorRef<TransportEvent> watcher) implements Command { }

    /** The kernel-style counters and the pool's occupancy at this moment. */
    public record GetCounters(ActorRef<TransportCounters.Snapshot> replyTo) implements Command { }

    /**
     * The device this transport runs on, answered in every state (also by a stopped transport): map buffers on it
     * ({@link RdmaDevice#mapBuffer}) to register them here, whichever way the transport was made (by name,
     * through {@link FrwrTransport}, or accepted by an {@link RdmaListener}). Memory another device mapped is
     * refused with BAD_REQUEST.
     */
    public record GetDevice(ActorRef<RdmaDevice> replyTo) implements Command { }

    /** Every MR slot: where it is and in which state (for invariant checkers). */
    public record GetAudit(ActorRef<MrAudit> replyTo) implements Command { }

    /** Drain, flush recovery, deregister every MR, stop. */
    public record Shutdown(ActorRef<ShutdownComplete> replyTo) implements Command { }

    /** Shutdown is done: the final counters; from here on the transport answers every request with STOPPED. */
    public record ShutdownComplete(TransportCounters.Snapshot counters) { }

    private record QpStopped(QueuePairActor.Stopped stopped) implements Command { }

    private record PoolDone(MrPool.ShutdownDone done) implements Command { }

    private record PdRetired(int generation, String reason) implements Command { }

    /** Passive: the connection's handler stopped, so the connection's transport shuts down, then stops. */
    private record HandlerStopped() implements Command { }

    /** Passive: shut down after the handler stopped; nobody is left to talk to the transport. */
    private record HandlerGone() implements Command { }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private RdmaTransport() {
    }

    /**
     * A transport on the device that configuration names: {@code frwr-transport.provider} picks the
     * provider ({@code sim}: an endpoint of the JVM-wide simulated fabric; {@code disni}: a NIC, needs
     * io.frwr:frwr-verbs-disni), {@code localDevice} the endpoint, device name or local IP. Where the
     * provider cannot run, spawning fails with its message (for disni, what is missing and how to fix it).
     * Map the buffers to register on the device it opened: ask it with {@link GetDevice}. (Through the extension,
     * {@code FrwrTransport.get(system).transport(name, spec)} runs on the very device
     * {@code FrwrTransport.get(system).device(name)} returns, so either way works there.)
     */
    public static Behavior<Command> create(TransportSettings settings, String localDevice, ConnectionSpec spec) {
        return Behaviors.setup(ctx -> create(settings, VerbsProviders.open(settings.provider(), localDevice), spec));
    }

    /** {@return a transport on {@code device} that connects to {@code spec}, with recovery threads of its own} */
    public static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ConnectionSpec spec) {
        return create(settings, device, spec, null);
    }

    /**
     * As {@link #create(TransportSettings, RdmaDevice, ConnectionSpec)}, with the executor that runs blocking
     * verbs (MR deregistration and allocation in recovery) given by the caller, who keeps owning it: the
     * transport never shuts it down. Recovery still runs at most {@code recovery.parallelism} jobs on it at
     * once. A test harness passes a single-thread executor so that recovery with any parallelism replays.
     * With {@code null} the transport makes its own pool of {@code recovery.parallelism} daemon threads.
     */
    public static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ConnectionSpec spec,
                                           ExecutorService blockingVerbs) {
        return create(settings, device, spec, blockingVerbs, ConnectionSide.connecting(spec));
    }

    /** A transport whose connection comes about as {@code side} says (an {@link RdmaListener} accepts passive ones). */
    static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ConnectionSpec spec,
                                    ExecutorService blockingVerbs, ConnectionSide side) {
        return Behaviors.setup(ctx -> {
            final DeviceAttributes attrs = device.attributes();
            final int depth = settings.mrPool().frmrDepthFor(attrs.maxFastRegPageListLen());
            final FrwrMapper mapper = FrwrMapper.forDevice(attrs, settings.mrPool().maxFrmrDepth());
            final ProtectionDomains pds = new ProtectionDomains(device);
            final TransportCounters counters = new TransportCounters();
            final TransportEvents events = new TransportEvents();
            final PoolGauge gauge = new PoolGauge();
            final int instance = INSTANCES.incrementAndGet();
            final Object token = new Object() {
                @Override
                public String toString() {
                    return "transport#" + instance + (side.passive() ? " from " : " to ") + spec.remoteAddress();
                }
            };
            final AtomicInteger threads = new AtomicInteger();
            final ExecutorService recoveryExecutor = blockingVerbs != null ? new Unowned(blockingVerbs)
                    : Executors.newFixedThreadPool(settings.recovery().parallelism(), r -> {
                        final Thread t = new Thread(r, "frwr-recovery-" + instance + "-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            final int rqDepth = settings.queues().receiveQueueDepthFor(attrs.maxQpWr());
            final DmaBuffer[] recvBuffers = new DmaBuffer[rqDepth];
            for (int i = 0; i < rqDepth; i++) {
                recvBuffers[i] = device.mapBuffer(ByteBuffer.allocateDirect(spec.receiveBufferSize()));
            }
            final ActorRef<Command> self = ctx.getSelf();
            final ActorRef<MrPool.Command> pool = ctx.spawn(MrPool.create(settings, pds, depth, counters, events, gauge,
                    recoveryExecutor, (why, g) -> self.tell(new PdRetired(g, why))), "mr-pool");
            pds.onUnreachable(g -> pool.tell(new MrPool.PdUnreachable(g)));
            final ActorRef<QueuePairActor.Command> qpActor = ctx.spawn(QueuePairActor.create(settings, counters, events,
                    pool, mapper, recvBuffers, token, device, pds), "queue-pair");
            final ActorRef<Inbound> handler = side.spawnHandler(ctx);
            if (handler != null) {
                qpActor.tell(new Subscribe(handler)); // before the connection exists: no message can precede it
                ctx.watchWith(handler, new HandlerStopped());
            }
            final AtomicBoolean stopped = new AtomicBoolean();
            final ActorRef<Connection.Command> connection = ctx.spawn(side.connection(settings, device, pds, qpActor,
                    recvBuffers, counters, stopped), "connection");
            ctx.watch(connection);
            ctx.watch(pool);
            ctx.watch(qpActor);
            ctx.getLog().info("transport {} {} on {}: {} MRs of {} pages, recovery {} x{}", side.passive() ? "accepted from" : "to",
                    spec.remoteAddress(),
                    attrs.name(), settings.mrPool().size(), depth, settings.recovery().strategy(),
                    settings.recovery().parallelism());
            final akka.actor.Cancellable shutdownTask = addCoordinatedShutdownTask(ctx.getSystem(), self, settings,
                    token.toString());
            return new Running(ctx, settings, spec, token, counters, events, gauge, recoveryExecutor, pool, qpActor,
                    connection, stopped, shutdownTask, device, side).behavior();
        });
    }

    /**
     * The task that shuts {@code transport} down in phase before-actor-system-terminate, bounded by
     * {@code frwr-transport.coordinated-shutdown.timeout}. A timeout fails the task (CoordinatedShutdown logs it and
     * goes on); the MR pool's PostStop then deregisters what is left.
     */
    private static akka.actor.Cancellable addCoordinatedShutdownTask(akka.actor.typed.ActorSystem<?> system,
                                                                     ActorRef<Command> transport,
                                                                     TransportSettings settings, String name) {
        final java.time.Duration bound = settings.coordinatedShutdownTimeout();
        return akka.actor.CoordinatedShutdown.get(system).addCancellableTask(
                akka.actor.CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "frwr-shutdown " + name,
                () -> akka.actor.typed.javadsl.AskPattern.<Command, ShutdownComplete>ask(transport, Shutdown::new,
                                bound, system.scheduler())
                        .toCompletableFuture()
                        // Also bounded in wall-clock time: under a test's ManualTime, Akka's own timeouts never
                        // fire, and a transport on a fabric nobody steps would hold the system's termination.
                        .orTimeout(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .handle((done, failure) -> {
                            if (failure != null) {
                                throw new java.util.concurrent.CompletionException(new java.util.concurrent
                                        .TimeoutException(name + " did not complete its Shutdown within "
                                        + TransportSettings.COORDINATED_SHUTDOWN_TIMEOUT + " ("
                                        + bound.toMillis() + "ms" + "); its MR pool deregisters what"
                                        + " is left when the system stops it"));
                            }
                            return akka.Done.getInstance();
                        }));
    }

    /**
     * The transport's own life: running (requests go to the QueuePair actor), shutting down, failed (a child
     * died: requests end with TRANSPORT_FAILED), and stopped. A stopped transport stays alive as a tombstone
     * that answers every request with STOPPED, so that no request ever goes unanswered to dead letters.
     */
    private static final class Running {
        private final akka.actor.typed.javadsl.ActorContext<Command> ctx;
        private final TransportSettings settings;
        private final ConnectionSpec spec;
        private final Object token;
        private final TransportCounters counters;
        private final TransportEvents events;
        private final PoolGauge gauge;
        private final ExecutorService recoveryExecutor;
        private final ActorRef<MrPool.Command> pool;
        private final ActorRef<QueuePairActor.Command> qpActor;
        private final ActorRef<Connection.Command> connection;
        private final AtomicBoolean stopped;
        private final akka.actor.Cancellable shutdownTask;
        private final RdmaDevice device;
        private final ConnectionSide side;
        private final List<ActorRef<ShutdownComplete>> shutdownReplyTo = new java.util.ArrayList<>();
        private boolean qpAlive = true;
        private boolean poolAlive = true;
        private String failure;
        private ShutdownComplete finished;
        private MrAudit finalAudit;

        Running(akka.actor.typed.javadsl.ActorContext<Command> ctx, TransportSettings settings, ConnectionSpec spec,
                Object token, TransportCounters counters, TransportEvents events, PoolGauge gauge,
                ExecutorService recoveryExecutor, ActorRef<MrPool.Command> pool, ActorRef<QueuePairActor.Command> qpActor,
                ActorRef<Connection.Command> connection, AtomicBoolean stopped, akka.actor.Cancellable shutdownTask,
                RdmaDevice device, ConnectionSide side) {
            this.ctx = ctx;
            this.settings = settings;
            this.spec = spec;
            this.token = token;
            this.counters = counters;
            this.events = events;
            this.gauge = gauge;
            this.recoveryExecutor = recoveryExecutor;
            this.pool = pool;
            this.qpActor = qpActor;
            this.connection = connection;
            this.stopped = stopped;
            this.shutdownTask = shutdownTask;
            this.device = device;
            this.side = side;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Register.class, m -> {
                        if (finished != null || !qpAlive) {
                            m.replyTo().tell(new RegisterFailed(m.cookie(), endedError()));
                        } else {
                            qpActor.tell(m);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Send.class, m -> {
                        if (finished != null || !qpAlive) {
                            if (m.replyTo() != null) {
                                m.replyTo().tell(new SendFailed(m.cookie(), endedError()));
                            }
                        } else {
                            qpActor.tell(m);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Invalidate.class, this::onInvalidate)
                    .onMessage(Subscribe.class, m -> {
                        if (finished != null || !qpAlive) {
                            m.subscriber().tell(new ConnectionDown(0, endedError().message(), true));
                        } else {
                            qpActor.tell(m);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(WatchEvents.class, m -> {
                        events.watch(m.watcher());
                        return Behaviors.same();
                    })
                    .onMessage(GetCounters.class, m -> {
                        m.replyTo().tell(finished != null ? finished.counters() : counters.snapshot(gauge.get()));
                        return Behaviors.same();
                    })
                    .onMessage(GetDevice.class, m -> {
                        m.replyTo().tell(device);
                        return Behaviors.same();
                    })
                    .onMessage(GetAudit.class, m -> {
                        if (poolAlive) {
                            pool.tell(new MrPool.GetAudit(m.replyTo()));
                        } else {
                            m.replyTo().tell(finalAudit != null ? finalAudit : new MrAudit(gauge.get(), List.of()));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Shutdown.class, this::onShutdown)
                    .onMessage(QpStopped.class, m -> {
                        if (qpAlive) {
                            ctx.unwatch(qpActor);
                            qpActor.tell(new QueuePairActor.Terminate()); // behind what was forwarded to it
                            qpAlive = false;
                        }
                        if (poolAlive) {
                            pool.tell(new MrPool.Shutdown(ctx.messageAdapter(MrPool.ShutdownDone.class, PoolDone::new)));
                        } else {
                            finish(gauge.get(), null);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(PoolDone.class, m -> {
                        finish(m.done().finalOccupancy(), m.done().finalAudit());
                        return Behaviors.same();
                    })
                    .onMessage(PdRetired.class, m -> {
                        if (events.active()) {
                            events.publish(new TransportEvent.PdRetired(m.generation(), m.reason()));
                        }
                        if (qpAlive) {
                            qpActor.tell(new QueuePairActor.RetirePd(m.generation(), m.reason()));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(HandlerStopped.class, m -> finished != null ? Behaviors.stopped()
                            : onShutdown(new Shutdown(ctx.messageAdapter(ShutdownComplete.class, c -> new HandlerGone()))))
                    .onMessage(HandlerGone.class, m -> Behaviors.stopped())
                    .onSignal(Terminated.class, this::onTerminated)
                    .onSignal(akka.actor.typed.PostStop.class, s -> {
                        stopped.set(true);
                        shutdownTask.cancel();
                        // Not shutdownNow: a recovery job not yet started still deregisters its MR when it runs.
                        recoveryExecutor.shutdown();
                        return Behaviors.same();
                    })
                    .build();
        }

        private TransportError endedError() {
            return failure != null
                    ? new TransportError(TransportError.Kind.TRANSPORT_FAILED, failure)
                    : new TransportError(TransportError.Kind.STOPPED, "the transport is stopped");
        }

        private Behavior<Command> onInvalidate(Invalidate m) {
            if (!m.registration().madeBy(token)) {
                counters.increment(TransportCounter.BAD_REQUESTS);
                m.replyTo().tell(new Invalidated(m.registration(), false, new TransportError(
                        TransportError.Kind.BAD_REQUEST, m.registration() + " was made by another transport;"
                        + " nothing was invalidated")));
            } else if (finished != null) {
                // Every MR was deregistered, or is in a PD no open QP belongs to: nothing reaches the memory.
                m.replyTo().tell(new Invalidated(m.registration(), true));
            } else if (!qpAlive) {
                m.replyTo().tell(new Invalidated(m.registration(), false, endedError()));
            } else {
                qpActor.tell(m);
            }
            return Behaviors.same();
        }

        private Behavior<Command> onShutdown(Shutdown m) {
            if (finished != null) {
                m.replyTo().tell(finished);
                return Behaviors.same();
            }
            shutdownReplyTo.add(m.replyTo());
            if (shutdownReplyTo.size() == 1) {
                stopped.set(true);
                ctx.unwatch(connection);
                ctx.stop(connection);
                if (qpAlive) {
                    qpActor.tell(new QueuePairActor.Stop(
                            ctx.messageAdapter(QueuePairActor.Stopped.class, QpStopped::new)));
                } else {
                    ctx.getSelf().tell(new QpStopped(new QueuePairActor.Stopped()));
                }
            }
            return Behaviors.same();
        }

        private void finish(PoolOccupancy occupancy, MrAudit audit) {
            recoveryExecutor.shutdown();
            if (poolAlive) {
                ctx.unwatch(pool);
                pool.tell(new MrPool.Terminate());
            }
            poolAlive = false;
            finalAudit = audit;
            finished = new ShutdownComplete(counters.snapshot(occupancy));
            for (ActorRef<ShutdownComplete> r : shutdownReplyTo) {
                r.tell(finished);
            }
        }

        private Behavior<Command> onTerminated(Terminated t) {
            final String cause = t instanceof akka.actor.typed.ChildFailed cf
                    ? cf.cause().getClass().getSimpleName() + ": " + cf.cause().getMessage() : "stopped";
            if (t.getRef().equals(connection) && side.passive()) {
                // A passive endpoint does not reconnect (the peer would have to connect again): the transport ends.
                ctx.getLog().info("the connection accepted from {} ended; its transport shuts down",
                        spec.remoteAddress());
                if (qpAlive) {
                    qpActor.tell(new QueuePairActor.GiveUp("the connection accepted from " + spec.remoteAddress()
                            + " ended; a passive endpoint does not reconnect", TransportError.Kind.NOT_CONNECTED));
                }
                return onShutdown(new Shutdown(ctx.getSystem().ignoreRef()));
            }
            if (t.getRef().equals(connection)) {
                ctx.getLog().error("transport to {} gave up reconnecting", spec.remoteAddress());
                if (qpAlive) {
                    qpActor.tell(new QueuePairActor.GiveUp("reconnect attempts exhausted (max-restarts "
                            + settings.connection().reconnect().maxRestarts() + ")", TransportError.Kind.NOT_CONNECTED));
                }
                return Behaviors.same();
            }
            final boolean isPool = t.getRef().equals(pool);
            final boolean shuttingDown = !shutdownReplyTo.isEmpty();
            if (shuttingDown && !(t instanceof akka.actor.typed.ChildFailed)) {
                return Behaviors.same(); // the pool stops itself after its ShutdownDone, which is on its way
            }
            if (isPool) {
                poolAlive = false;
            } else if (t.getRef().equals(qpActor)) {
                qpAlive = false;
            }
            if (failure == null) {
                failure = (isPool ? "the MR pool" : "the QueuePair actor") + " died: " + cause;
                ctx.getLog().error("transport to {} failed, every request now ends with TRANSPORT_FAILED: {}",
                        spec.remoteAddress(), failure);
                if (events.active()) {
                    events.publish(new TransportEvent.Failed(failure));
                }
                stopped.set(true);
                ctx.unwatch(connection);
                ctx.stop(connection);
            }
            if (isPool && shuttingDown && finished == null) {
                finish(gauge.get(), null); // it died while destroying MRs: report what the books last said
            } else if (isPool && qpAlive) {
                qpActor.tell(new QueuePairActor.GiveUp(failure, TransportError.Kind.TRANSPORT_FAILED));
            } else if (!isPool && poolAlive && shutdownReplyTo.isEmpty()) {
                // Nobody posts any more and the QP actor disconnected its QP when it stopped: destroy the MRs.
                shutdownReplyTo.add(ctx.getSystem().ignoreRef());
                ctx.getSelf().tell(new QpStopped(new QueuePairActor.Stopped()));
            }
            return Behaviors.same();
        }
    }

    /** A caller's executor: the transport's shutdown calls do nothing to it. */
    private static final class Unowned extends java.util.concurrent.AbstractExecutorService {
        private final ExecutorService delegate;

        Unowned(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }
    }

}
