package io.frwr.actors;

import akka.actor.typed.ActorRef;

import java.util.concurrent.CopyOnWriteArrayList;

/** The transport's event stream: a list of watchers, so publishing costs nothing while nobody watches. */
final class TransportEvents {
    private final CopyOnWriteArrayList<ActorRef<TransportEvent>> watchers = new CopyOnWriteArrayList<>();

    void watch(ActorRef<TransportEvent> watcher) {
        watchers.add(watcher);
    }

    boolean active() {
        return !watchers.isEmpty();
    }

    void publish(TransportEvent e) {
        for (ActorRef<TransportEvent> w : watchers) {
            w.tell(e);
        }
    }
}
