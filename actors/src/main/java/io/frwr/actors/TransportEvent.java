package io.frwr.actors;

/** What the transport did, for probes and tests; published only when someone watches. */
public sealed interface TransportEvent {
    record MrAcquired(int slot) implements TransportEvent { }

    record MrRegistered(int slot, int rkey) implements TransportEvent { }

    record MrInvalidated(int slot, int rkey, boolean remotely) implements TransportEvent { }

    record MrToRecovery(int slot, String reason) implements TransportEvent { }

    record MrRecovered(int slot, int newRkey) implements TransportEvent { }

    record MrOrphaned(int slot, String reason) implements TransportEvent { }

    record QpError(long epoch, String reason) implements TransportEvent { }

    record DrainStarted(long epoch, int outstandingWrs) implements TransportEvent { }

    record DrainFinished(long epoch, boolean timedOut) implements TransportEvent { }

    record Connected(long epoch, boolean reconnect) implements TransportEvent { }

    record GaveUp(String reason) implements TransportEvent { }

    /** A part of the transport died; every waiting and later request ends with TRANSPORT_FAILED. */
    record Failed(String reason) implements TransportEvent { }

    /** An MR could not be deregistered: its protection domain is retired and the connection remade. */
    record PdRetired(int generation, String reason) implements TransportEvent { }
}
