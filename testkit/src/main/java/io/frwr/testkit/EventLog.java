package io.frwr.testkit;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.actors.TransportEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every TransportEvent the transport published, recorded by a watcher actor the kit spawns. */
final class EventLog {
    private final List<TransportEvent> events = new CopyOnWriteArrayList<>();

    Behavior<TransportEvent> behavior() {
        return Behaviors.receive(TransportEvent.class).onAnyMessage(e -> {
            events.add(e);
            return Behaviors.same();
        }).build();
    }

    List<TransportEvent> events() {
        return List.copyOf(events);
    }

    long count(Class<? extends TransportEvent> type) {
        return events.stream().filter(type::isInstance).count();
    }

    /** MRs handed to Recovery that have not come back recovered or orphaned yet. */
    long recoveriesOutstanding() {
        long n = 0;
        for (TransportEvent e : events) {
            if (e instanceof TransportEvent.MrToRecovery) {
                n++;
            } else if (e instanceof TransportEvent.MrRecovered || e instanceof TransportEvent.MrOrphaned) {
                n--;
            }
        }
        return n;
    }
}
