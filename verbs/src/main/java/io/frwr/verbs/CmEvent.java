package io.frwr.verbs;

/** Connection-manager events, delivered on a provider thread to the handler given at connect/accept. */
public sealed interface CmEvent permits CmEvent.Established, CmEvent.Rejected, CmEvent.ConnectError,
        CmEvent.Disconnected {
    /** The QP is in RTS; {@code privateData} is what the other side sent with its reply or request. */
    record Established(QueuePair qp, byte[] privateData) implements CmEvent {
    }

    /** The other side refused the connection; {@code privateData} is what it sent with the reject. */
    record Rejected(String reason, byte[] privateData) implements CmEvent {
    }

    /** Unreachable, timed out, or a provider error: the attempt is over. */
    record ConnectError(Errno errno, String reason) implements CmEvent {
    }

    /** Either side disconnected or the QP broke; the QP is in ERROR. */
    record Disconnected(QueuePair qp) implements CmEvent {
    }
}
