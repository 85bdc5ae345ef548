package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.config.ReconnectSettings;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One incarnation of the connection: connect through the CM, hand the QP to the QueuePair actor, and
 * when the QP fails wait until the QueuePair actor has drained the send queue; then fail. The supervisor
 * ({@link #supervised}) restarts it with backoff, and that restart is the reconnect: drain, then reconnect,
 * never the other way round. A failed connect attempt fails the same way, but is supervised apart: only
 * failed attempts count against max-restarts (a connection that came up and was lost later starts the count
 * again), so a link that drops now and then but always reconnects is never given up on. After max-restarts
 * failed attempts the supervisor stops it and the transport gives up.
 *
 * <p>Each attempt's QP is created in the current protection domain and counted open in {@link ProtectionDomains}
 * until it is known dead, which is what lets a retired PD's stuck MRs be declared out of reach.
 */
final class Connection {
    interface Command { }

    record Drained(long epoch) implements Command { }

    /** @param receiveError why the receives could not be posted in the CM callback, or null */
    private record Cm(long epoch, CmEvent event, String receiveError) implements Command { }

    private record ConnectTimeout(long epoch) implements Command { }

    private Connection() {
    }

    static Behavior<Command> supervised(TransportSettings settings, RdmaDevice device, ProtectionDomains pds,
                                        ConnectionSpec spec, ActorRef<QueuePairActor.Command> qpActor,
                                        AtomicLong epochs, TransportCounters counters, AtomicBoolean stopped,
                                        DmaBuffer[] recvBuffers) {
        final ReconnectSettings r = settings.connection().reconnect();
        final Behavior<Command> incarnation = create(settings, device, pds, spec, qpActor, epochs, counters, stopped,
                recvBuffers);
        final Behavior<Command> attempts;
        if (r.maxRestarts() == 0) {
            attempts = Behaviors.supervise(incarnation).onFailure(ConnectionFailure.AttemptFailed.class,
                    SupervisorStrategy.stop());
        } else {
            BackoffSupervisorStrategy strategy = SupervisorStrategy
                    .restartWithBackoff(r.minBackoff(), r.maxBackoff(), r.randomFactor())
                    .withLoggingEnabled(false);
            if (!r.unlimitedRestarts()) {
                strategy = strategy.withMaxRestarts(r.maxRestarts()).withResetBackoffAfter(r.maxRestartsWithin());
            }
            attempts = Behaviors.supervise(incarnation).onFailure(ConnectionFailure.AttemptFailed.class, strategy);
        }
        // A lost connection restarts the whole of the above, attempt budget included: losses are not attempts.
        return Behaviors.supervise(attempts).onFailure(ConnectionFailure.Lost.class, SupervisorStrategy
                .restartWithBackoff(r.minBackoff(), r.maxBackoff(), r.randomFactor()).withLoggingEnabled(false));
    }

    private static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ProtectionDomains pds,
                                            ConnectionSpec spec, ActorRef<QueuePairActor.Command> qpActor,
                                            AtomicLong epochs, TransportCounters counters, AtomicBoolean stopped,
                                            DmaBuffer[] recvBuffers) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            final long epoch = epochs.incrementAndGet();
            final int maxWr = device.attributes().maxQpWr();
            final int sqDepth = settings.queues().sendQueueDepthFor(maxWr);
            final int rqDepth = settings.queues().receiveQueueDepthFor(maxWr);
            final CompletionQueue cq;
            try {
                cq = device.createCq(sqDepth + rqDepth);
            } catch (VerbsException e) {
                counters.increment(TransportCounter.CONNECT_FAILURES);
                throw new ConnectionFailure.AttemptFailed("creating a CQ for connection " + epoch + " failed: "
                        + e.getMessage());
            }
            final int pdGeneration = pds.qpOpening();
            final ProtectionDomain pd = pds.current();
            cq.setNotificationHandler(() -> qpActor.tell(new QueuePairActor.CqReady(epoch)));
            final ActorRef<Command> self = ctx.getSelf();
            final ConnectParams params = new ConnectParams(pd, cq, cq, sqDepth, rqDepth, spec.privateData(),
                    settings.connection().connectTimeout());
            ctx.getLog().debug("connection {}: connecting to {}", epoch, spec.remoteAddress());
            device.connectionManager().connect(spec.remoteAddress(), params, ev -> {
                if (stopped.get()) { // the transport is gone, and so is this actor
                    if (ev instanceof CmEvent.Established est) {
                        est.qp().disconnect(); // do not leave a live QP behind
                    }
                    return;
                }
                if (epochs.get() != epoch && ev instanceof CmEvent.Established est) {
                    // This attempt was given up (a later one shares the receive buffers): no live QP behind.
                    est.qp().disconnect();
                    return;
                }
                // Receives go up before the peer can hear its Established and SEND (a SEND with none breaks the QP).
                self.tell(new Cm(epoch, ev, ev instanceof CmEvent.Established est
                        ? QueuePairActor.postInitialReceives(est.qp(), epoch, recvBuffers) : null));
            });
            timers.startSingleTimer(new ConnectTimeout(epoch), settings.connection().connectTimeout().multipliedBy(2));
            final boolean[] up = {false};
            return Behaviors.receive(Command.class)
                    .onMessage(Cm.class, m -> {
                        if (m.epoch() != epoch) {
                            if (m.event() instanceof CmEvent.Established est) {
                                est.qp().disconnect(); // a previous attempt completed too late
                            }
                            return Behaviors.same();
                        }
                        final CmEvent ev = m.event();
                        if (ev instanceof CmEvent.Established est && m.receiveError() != null) {
                            est.qp().disconnect();
                            counters.increment(TransportCounter.CONNECT_FAILURES);
                            pds.qpClosed(pdGeneration);
                            throw new ConnectionFailure.AttemptFailed("connection " + epoch + ": " + m.receiveError());
                        }
                        if (ev instanceof CmEvent.Established est) {
                            timers.cancel(new ConnectTimeout(epoch));
                            up[0] = true;
                            if (counters.get(TransportCounter.CONNECTS) > 0) {
                                counters.increment(TransportCounter.RECONNECTS);
                            }
                            counters.increment(TransportCounter.CONNECTS);
                            qpActor.tell(new QueuePairActor.Attach(epoch, est.qp(), est.privateData(), self,
                                    pdGeneration));
                            return Behaviors.same();
                        }
                        if (ev instanceof CmEvent.Disconnected) {
                            if (up[0]) {
                                qpActor.tell(new QueuePairActor.QpFailed(epoch, "disconnected"));
                            }
                            return Behaviors.same();
                        }
                        counters.increment(TransportCounter.CONNECT_FAILURES);
                        final String why = ev instanceof CmEvent.Rejected rej ? "rejected: " + rej.reason()
                                : ev instanceof CmEvent.ConnectError err ? err.errno() + ": " + err.reason() : ev.toString();
                        ctx.getLog().warn("connection {} to {} failed ({}); retrying after backoff", epoch,
                                spec.remoteAddress(), why);
                        pds.qpClosed(pdGeneration);
                        throw new ConnectionFailure.AttemptFailed("connect to " + spec.remoteAddress() + " " + why);
                    })
                    .onMessage(ConnectTimeout.class, m -> {
                        if (m.epoch() == epoch && !up[0]) {
                            counters.increment(TransportCounter.CONNECT_FAILURES);
                            pds.qpClosed(pdGeneration);
                            throw new ConnectionFailure.AttemptFailed("connect to " + spec.remoteAddress()
                                    + " timed out");
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Drained.class, m -> {
                        if (m.epoch() != epoch) {
                            return Behaviors.same();
                        }
                        ctx.getLog().info("connection {} drained; reconnecting after backoff", epoch);
                        pds.qpClosed(pdGeneration); // its QP is in ERROR: nothing reaches the PD through it
                        throw new ConnectionFailure.Lost("connection " + epoch + " lost; send queue drained");
                    })
                    .build();
        }));
    }
}
