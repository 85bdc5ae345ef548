package io.frwr.actors;

/**
 * Thrown by the Connection actor to end an incarnation; its supervisor's backoff restart is the reconnect.
 * The two kinds are supervised apart, so that only failed attempts use up the reconnect budget.
 */
class ConnectionFailure extends RuntimeException {
    ConnectionFailure(String message) {
        super(message, null, false, false);
    }

    /** A connect attempt failed (rejected, unreachable, timed out): counts against max-restarts. */
    static final class AttemptFailed extends ConnectionFailure {
        AttemptFailed(String message) {
            super(message);
        }
    }

    /** An established connection was lost and drained: reconnect, with a fresh budget for the attempts. */
    static final class Lost extends ConnectionFailure {
        Lost(String message) {
            super(message);
        }
    }
}
