package io.frwr.actors;

/** Thrown by the Connection actor to end an incarnation; its supervisor's backoff restart is the reconnect. */
final class ConnectionFailure extends RuntimeException {
    ConnectionFailure(String message) {
        super(message, null, false, false);
    }
}
