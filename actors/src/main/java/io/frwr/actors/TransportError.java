package io.frwr.actors;

/** Why a request did not succeed. Every way a call can fail is a distinct kind, and each is counted. */
public record TransportError(Kind kind, String message) {
    /** The distinct ways a request can fail; callers switch on these, not on the message. */
    public enum Kind {
        /** No MR was free (backpressure): the QP is healthy, try again later. */
        NO_MR_FREE,
        /** The connection was down for longer than request-wait, or the transport gave up reconnecting. */
        NOT_CONNECTED,
        /** The request was in flight when the QP broke. */
        CONNECTION_LOST,
        /** post_send refused the WRs (ENOMEM, EAGAIN) while the QP stayed up. */
        POST_FAILED,
        /**
         * The request itself was wrong: bad segments, memory of another device, a registration of another
         * transport, more MRs than one registration may hold.
         */
        BAD_REQUEST,
        /** A part of the transport died (a bug or a device failure); the message says which and why. */
        TRANSPORT_FAILED,
        /** The transport is shutting down or stopped. */
        STOPPED
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
