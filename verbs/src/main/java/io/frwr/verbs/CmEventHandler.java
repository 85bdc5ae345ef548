package io.frwr.verbs;

@FunctionalInterface
public interface CmEventHandler {
    void onEvent(CmEvent event);
}
