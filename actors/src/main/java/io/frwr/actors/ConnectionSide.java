package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a transport's connection comes about; everything else of the transport (QueuePair actor, MR pool, recovery,
 * drain) is the same on both sides. Active: {@link Connection}, connect through the CM and reconnect after every
 * drain. Passive: {@link PassiveConnection}, one connect request an {@link RdmaListener} accepted, never remade;
 * the transport ends with it.
 */
interface ConnectionSide {
    /** The connection child's behavior. */
    Behavior<Connection.Command> connection(TransportSettings settings, RdmaDevice device, ProtectionDomains pds,
                                            ActorRef<QueuePairActor.Command> qpActor, DmaBuffer[] recvBuffers,
                                            TransportCounters counters, AtomicBoolean stopped);

    /** True if a lost connection ends the transport rather than being remade. */
    default boolean passive() {
        return false;
    }

    /**
     * Passive only: spawn the connection's handler as a child of {@code transport}, before the connection child, so
     * that it is subscribed before any message can arrive. Null on the active side (subscribers come by Subscribe).
     */
    default ActorRef<RdmaTransport.Inbound> spawnHandler(ActorContext<RdmaTransport.Command> transport) {
        return null;
    }

    /** The active side: connect to {@code spec}'s address, reconnecting with backoff. */
    static ConnectionSide connecting(ConnectionSpec spec) {
        return (settings, device, pds, qpActor, recvBuffers, counters, stopped) -> Connection.supervised(settings,
                device, pds, spec, qpActor, new AtomicLong(), counters, stopped, recvBuffers);
    }
}
