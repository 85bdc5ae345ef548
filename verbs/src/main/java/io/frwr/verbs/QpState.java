package io.frwr.verbs;

/** RC queue-pair states. Only RTS accepts sends; ERROR flushes everything outstanding. */
public enum QpState {
    RESET, INIT, RTR, RTS, ERROR
}
