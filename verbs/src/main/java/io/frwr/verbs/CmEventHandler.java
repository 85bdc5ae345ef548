package io.frwr.verbs;

/** Receives the CM events of one connection (established, rejected, disconnected ...), on a provider thread. */
@FunctionalInterface
public interface CmEventHandler {
    /** Hand the event on (tell an actor); it runs on a provider thread and must not block. */
    void onEvent(CmEvent event);
}
