package io.frwr.verbs;

/** Receives the CM events of one connection (established, rejected, disconnected ...), on a provider thread. */
@FunctionalInterface
public interface CmEventHandler {
    void onEvent(CmEvent event);
}
