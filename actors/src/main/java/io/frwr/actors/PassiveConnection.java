package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The passive side's connection: one connect request, accepted in the transport's current protection domain, handed
 * to the QueuePair actor like an active connection, and never remade. When the QP fails it waits, as {@link Connection}
 * does, until the QueuePair actor has drained the send queue; then it stops (instead of failing into a reconnect),
 * and the transport, which watches it, shuts down: every MR deregistered, every waiting request answered. A passive
 * endpoint cannot reconnect (it has nowhere to connect to); the peer reconnects, and the listener makes a new
 * transport for that connection.
 *
 * <p>The receives are posted in the CM callback on Established, before the peer can hear its own Established and
 * SEND (rdma_cm servers post before rdma_accept for the same reason): a SEND that finds no receive breaks the QP.
 */
final class PassiveConnection {
    /** A passive transport has one connection, always this epoch. */
    static final long EPOCH = 1;

    private record Cm(CmEvent event, String receiveError) implements Connection.Command { }

    private record AcceptTimeout() implements Connection.Command { }

    private PassiveConnection() {
    }

    /** {@code handler} makes the connection's handler from the transport's ref. */
    static ConnectionSide side(ConnectRequest request, byte[] privateData,
                               Function<ActorRef<RdmaTransport.Command>, Behavior<RdmaTransport.Inbound>> handler) {
        return new ConnectionSide() {
            @Override
            public Behavior<Connection.Command> connection(TransportSettings settings, RdmaDevice device,
                                                           ProtectionDomains pds,
                                                           ActorRef<QueuePairActor.Command> qpActor,
                                                           DmaBuffer[] recvBuffers, TransportCounters counters,
                                                           AtomicBoolean stopped) {
                return create(settings, device, pds, request, privateData, qpActor, recvBuffers, counters, stopped);
            }

            @Override
            public boolean passive() {
                return true;
            }

            @Override
            public ActorRef<RdmaTransport.Inbound> spawnHandler(
                    akka.actor.typed.javadsl.ActorContext<RdmaTransport.Command> transport) {
                return transport.spawn(handler.apply(transport.getSelf()), "handler");
            }
        };
    }

    private static Behavior<Connection.Command> create(TransportSettings settings, RdmaDevice device,
                                                       ProtectionDomains pds, ConnectRequest request,
                                                       byte[] privateData, ActorRef<QueuePairActor.Command> qpActor,
                                                       DmaBuffer[] recvBuffers, TransportCounters counters,
                                                       AtomicBoolean stopped) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final String peer = request.remoteAddress();
            final int maxWr = device.attributes().maxQpWr();
            final int sqDepth = settings.queues().sendQueueDepthFor(maxWr);
            final int rqDepth = settings.queues().receiveQueueDepthFor(maxWr);
            final CompletionQueue cq;
            try {
                cq = device.createCq(sqDepth + rqDepth);
            } catch (VerbsException e) {
                counters.increment(TransportCounter.CONNECT_FAILURES);
                ctx.getLog().warn("rejecting the connection from {}: creating a CQ failed: {}", peer, e.getMessage());
                request.reject(new byte[0]);
                return Behaviors.stopped();
            }
            final int pdGeneration = pds.qpOpening();
            final ProtectionDomain pd = pds.current();
            cq.setNotificationHandler(() -> qpActor.tell(new QueuePairActor.CqReady(EPOCH)));
            final ActorRef<Connection.Command> self = ctx.getSelf();
            final QueuePair qp;
            try {
                qp = request.accept(new ConnectParams(pd, cq, cq, sqDepth, rqDepth, privateData,
                        settings.connection().connectTimeout()), ev -> {
                    if (ev instanceof CmEvent.Established est) {
                        if (stopped.get()) {
                            est.qp().disconnect(); // the transport is gone; do not leave a live QP behind
                            return;
                        }
                        self.tell(new Cm(ev, QueuePairActor.postInitialReceives(est.qp(), EPOCH, recvBuffers)));
                    } else {
                        self.tell(new Cm(ev, null));
                    }
                });
            } catch (VerbsException | RuntimeException e) {
                counters.increment(TransportCounter.CONNECT_FAILURES);
                ctx.getLog().warn("accepting the connection from {} failed: {}", peer, e.getMessage());
                pds.qpClosed(pdGeneration);
                if (e instanceof VerbsException) {
                    request.reject(new byte[0]);
                }
                return Behaviors.stopped();
            }
            timers.startSingleTimer(new AcceptTimeout(), settings.connection().connectTimeout().multipliedBy(2));
            // attached: the QueuePair actor owns the QP; closed: the PD no longer counts it open.
            final boolean[] attached = {false};
            final boolean[] closed = {false};
            final Runnable close = () -> {
                if (!closed[0]) {
                    closed[0] = true;
                    pds.qpClosed(pdGeneration);
                }
            };
            return Behaviors.receive(Connection.Command.class)
                    .onMessage(Cm.class, m -> {
                        final CmEvent ev = m.event();
                        if (ev instanceof CmEvent.Established est && !attached[0]) {
                            timers.cancel(new AcceptTimeout());
                            if (m.receiveError() != null) {
                                ctx.getLog().warn("connection from {}: receives not posted ({}); disconnecting", peer,
                                        m.receiveError());
                                qp.disconnect();
                                close.run();
                                return Behaviors.stopped();
                            }
                            attached[0] = true;
                            counters.increment(TransportCounter.CONNECTS);
                            qpActor.tell(new QueuePairActor.Attach(EPOCH, est.qp(), est.privateData(), self,
                                    pdGeneration));
                            return Behaviors.same();
                        }
                        if (ev instanceof CmEvent.Disconnected) {
                            if (attached[0]) {
                                qpActor.tell(new QueuePairActor.QpFailed(EPOCH, "disconnected"));
                                return Behaviors.same(); // Drained ends it
                            }
                            close.run();
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(AcceptTimeout.class, m -> {
                        if (attached[0]) {
                            return Behaviors.same();
                        }
                        counters.increment(TransportCounter.CONNECT_FAILURES);
                        ctx.getLog().warn("connection from {} not established in time; disconnecting", peer);
                        qp.disconnect();
                        close.run();
                        return Behaviors.stopped();
                    })
                    .onMessage(Connection.Drained.class, m -> {
                        ctx.getLog().debug("connection from {} drained; it ends (a passive endpoint does not"
                                + " reconnect)", peer);
                        close.run(); // its QP is in ERROR: nothing reaches the PD through it
                        return Behaviors.stopped();
                    })
                    .onSignal(PostStop.class, s -> {
                        if (!attached[0]) {
                            qp.disconnect(); // never attached: nobody else would take it down
                            close.run();
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
