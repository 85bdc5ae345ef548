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
import java.util.concurrent.atomic.AtomicLong;
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
 * Nothing is global: several transports live side by side in one system, each with its own counters.
 */
public final class RdmaTransport {
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
        public Register(List<ChunkRequest> chunks, long cookie, ActorRef<RegisterReply> replyTo) {
            this(chunks, cookie, replyTo, null, null, 0);
        }

        /** Register, then SEND what {@code message} builds from the registration, in one chain. */
        public static Register andSend(List<ChunkRequest> chunks, MessageBuilder message, long cookie,
                                       ActorRef<RegisterReply> replyTo, ActorRef<SendReply> sendReplyTo, long epoch) {
            return new Register(chunks, cookie, replyTo, message, sendReplyTo, epoch);
        }
    }

    public sealed interface RegisterReply {
        long cookie();
    }

    /** The FAST_REGs are posted: send-queue order runs them before any SEND posted after this reply. */
    public record Registered(long cookie, Registration registration) implements RegisterReply { }

    public record RegisterFailed(long cookie, TransportError error) implements RegisterReply { }

    /**
     * Invalidate a registration; the reply comes when the caller's memory is safe to reuse (LOCAL_INV
     * completed, the peer invalidated it, or recovery deregistered the MR). {@code remotelyInvalidatedRkey}
     * is the rkey a SEND_WITH_INV reply carried, if {@code remoteInvalidation}.
     */
    public record Invalidate(Registration registration, boolean remoteInvalidation, int remotelyInvalidatedRkey,
                             ActorRef<Invalidated> replyTo) implements Command, QueuePairActor.Command {
        public static Invalidate of(Registration registration, ActorRef<Invalidated> replyTo) {
            return new Invalidate(registration, false, 0, replyTo);
        }

        public static Invalidate afterRemoteInvalidation(Registration registration, int rkey,
                                                         ActorRef<Invalidated> replyTo) {
            return new Invalidate(registration, true, rkey, replyTo);
        }
    }

    /** {@code fenced} is false only if an MR could not be deregistered: its memory may still be exposed. */
    public record Invalidated(Registration registration, boolean fenced) { }

    /**
     * SEND the gathered bytes; {@code replyTo} may be null (then the SEND is signaled only as needed).
     * A non-zero {@code epoch} binds the message to that connection: if it is gone, the Send fails with
     * CONNECTION_LOST instead of carrying stale rkeys onto the next one.
     */
    public record Send(List<Segment> sgl, long cookie, ActorRef<SendReply> replyTo, long epoch)
            implements Command, QueuePairActor.Command {
        public Send(List<Segment> sgl, long cookie, ActorRef<SendReply> replyTo) {
            this(sgl, cookie, replyTo, 0);
        }
    }

    public sealed interface SendReply {
        long cookie();
    }

    public record Sent(long cookie) implements SendReply { }

    public record SendFailed(long cookie, TransportError error) implements SendReply { }

    /** Receive inbound messages and connection up/down news. */
    public record Subscribe(ActorRef<Inbound> subscriber) implements Command, QueuePairActor.Command { }

    public sealed interface Inbound { }

    /** A message the peer sent; {@code message} is a private read-only copy. */
    public record Received(long epoch, ByteBuffer message, boolean withInvalidate, int invalidatedRkey)
            implements Inbound { }

    public record ConnectionUp(long epoch, byte[] privateData) implements Inbound { }

    public record ConnectionDown(long epoch, String reason, boolean gaveUp) implements Inbound { }

    public record WatchEvents(ActorRef<TransportEvent> watcher) implements Command { }

    public record GetCounters(ActorRef<TransportCounters.Snapshot> replyTo) implements Command { }

    /** Every MR slot: where it is and in which state (for invariant checkers). */
    public record GetAudit(ActorRef<MrAudit> replyTo) implements Command { }

    /** Drain, flush recovery, deregister every MR, stop. */
    public record Shutdown(ActorRef<ShutdownComplete> replyTo) implements Command { }

    public record ShutdownComplete(TransportCounters.Snapshot counters) { }

    private record QpStopped(QueuePairActor.Stopped stopped) implements Command { }

    private record PoolDone(MrPool.ShutdownDone done) implements Command { }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private RdmaTransport() {
    }

    /**
     * A transport on the device that configuration names: {@code frwr-transport.provider} picks the
     * provider ({@code sim}: an endpoint of the JVM-wide simulated fabric; {@code disni}: a NIC, needs
     * io.frwr:frwr-verbs-disni), {@code localDevice} the endpoint, device name or local IP. Where the
     * provider cannot run, spawning fails with its message (for disni, what is missing and how to fix it).
     */
    public static Behavior<Command> create(TransportSettings settings, String localDevice, ConnectionSpec spec) {
        return Behaviors.setup(ctx -> create(settings, VerbsProviders.open(settings.provider(), localDevice), spec));
    }

    public static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ConnectionSpec spec) {
        return Behaviors.setup(ctx -> {
            final DeviceAttributes attrs = device.attributes();
            final int depth = settings.mrPool().frmrDepthFor(attrs.maxFastRegPageListLen());
            final FrwrMapper mapper = FrwrMapper.forDevice(attrs, settings.mrPool().maxFrmrDepth());
            final ProtectionDomain pd = device.allocPd();
            final TransportCounters counters = new TransportCounters();
            final TransportEvents events = new TransportEvents();
            final PoolGauge gauge = new PoolGauge();
            final int instance = INSTANCES.incrementAndGet();
            final AtomicInteger threads = new AtomicInteger();
            final ExecutorService recoveryExecutor = Executors.newFixedThreadPool(
                    settings.recovery().parallelism(), r -> {
                        final Thread t = new Thread(r, "frwr-recovery-" + instance + "-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            final int rqDepth = settings.queues().receiveQueueDepthFor(attrs.maxQpWr());
            final DmaBuffer[] recvBuffers = new DmaBuffer[rqDepth];
            for (int i = 0; i < rqDepth; i++) {
                recvBuffers[i] = device.mapBuffer(ByteBuffer.allocateDirect(spec.receiveBufferSize()));
            }
            final ActorRef<MrPool.Command> pool = ctx.spawn(
                    MrPool.create(settings, pd, depth, counters, events, gauge, recoveryExecutor), "mr-pool");
            final ActorRef<QueuePairActor.Command> qpActor = ctx.spawn(
                    QueuePairActor.create(settings, counters, events, pool, mapper, recvBuffers), "queue-pair");
            final AtomicBoolean stopped = new AtomicBoolean();
            final ActorRef<Connection.Command> connection = ctx.spawn(Connection.supervised(settings, device, pd,
                    spec, qpActor, new AtomicLong(), counters, stopped), "connection");
            ctx.watch(connection);
            ctx.getLog().info("transport to {} on {}: {} MRs of {} pages, recovery {} x{}", spec.remoteAddress(),
                    attrs.name(), settings.mrPool().size(), depth, settings.recovery().strategy(),
                    settings.recovery().parallelism());
            final AtomicReference<ActorRef<ShutdownComplete>> shutdownReplyTo = new AtomicReference<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Register.class, m -> forward(qpActor, m))
                    .onMessage(Invalidate.class, m -> forward(qpActor, m))
                    .onMessage(Send.class, m -> forward(qpActor, m))
                    .onMessage(Subscribe.class, m -> forward(qpActor, m))
                    .onMessage(WatchEvents.class, m -> {
                        events.watch(m.watcher());
                        return Behaviors.same();
                    })
                    .onMessage(GetCounters.class, m -> {
                        m.replyTo().tell(counters.snapshot(gauge.get()));
                        return Behaviors.same();
                    })
                    .onMessage(GetAudit.class, m -> {
                        pool.tell(new MrPool.GetAudit(m.replyTo()));
                        return Behaviors.same();
                    })
                    .onMessage(Shutdown.class, m -> {
                        if (shutdownReplyTo.compareAndSet(null, m.replyTo())) {
                            stopped.set(true);
                            ctx.unwatch(connection);
                            ctx.stop(connection);
                            qpActor.tell(new QueuePairActor.Stop(
                                    ctx.messageAdapter(QueuePairActor.Stopped.class, QpStopped::new)));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(QpStopped.class, m -> {
                        pool.tell(new MrPool.Shutdown(ctx.messageAdapter(MrPool.ShutdownDone.class, PoolDone::new)));
                        return Behaviors.same();
                    })
                    .onMessage(PoolDone.class, m -> {
                        recoveryExecutor.shutdown();
                        shutdownReplyTo.get().tell(new ShutdownComplete(counters.snapshot(m.done().finalOccupancy())));
                        return Behaviors.stopped();
                    })
                    .onSignal(Terminated.class, t -> {
                        ctx.getLog().error("transport to {} gave up reconnecting", spec.remoteAddress());
                        qpActor.tell(new QueuePairActor.GiveUp("reconnect attempts exhausted (max-restarts "
                                + settings.connection().reconnect().maxRestarts() + ")"));
                        return Behaviors.same();
                    })
                    .onSignal(akka.actor.typed.PostStop.class, s -> {
                        stopped.set(true);
                        recoveryExecutor.shutdownNow();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static Behavior<Command> forward(ActorRef<QueuePairActor.Command> qpActor, QueuePairActor.Command m) {
        qpActor.tell(m);
        return Behaviors.same();
    }
}
