package io.frwr.bench;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.actors.RdmaTransport;

import java.util.concurrent.BlockingQueue;

/** Hands a transport's inbound news (ConnectionUp/Down, messages) to plain code through a queue. */
final class InboundQueue {
    private InboundQueue() {
    }

    static Behavior<RdmaTransport.Inbound> create(BlockingQueue<RdmaTransport.Inbound> queue) {
        return Behaviors.receive(RdmaTransport.Inbound.class)
                .onAnyMessage(m -> {
                    queue.add(m);
                    return Behaviors.same();
                })
                .build();
    }
}
