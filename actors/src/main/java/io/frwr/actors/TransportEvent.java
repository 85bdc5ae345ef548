package io.frwr.actors;

/** What the transport did, for probes and tests; published only when someone watches. */
public sealed interface TransportEvent {
    /** The pool lent the MR in {@code slot}. */
    record MrAcquired(int slot) implements TransportEvent { }

    /** A FAST_REG of the MR in {@code slot} was posted under {@code rkey}. */
    record MrRegistered(int slot, int rkey) implements TransportEvent { }

    /** The rkey is invalid: its LOCAL_INV completed, or ({@code remotely}) a received SEND_WITH_INV named it. */
    record MrInvalidated(int slot, int rkey, boolean remotely) implements TransportEvent { }

    /** The MR in {@code slot} was VALID or STALE and went to Recovery; {@code reason} says how it got there. */
    record MrToRecovery(int slot, String reason) implements TransportEvent { }

    /** Recovery deregistered the slot's MR and allocated a fresh one, INVALID, with {@code newRkey}. */
    record MrRecovered(int slot, int newRkey) implements TransportEvent { }

    /** Recovery gave up on the MR in {@code slot} after its retries; a replacement is allocated. */
    record MrOrphaned(int slot, String reason) implements TransportEvent { }

    /** Connection {@code epoch}'s QP stopped posting (error completion, failed post, disconnect, or shutdown). */
    record QpError(long epoch, String reason) implements TransportEvent { }

    /** The send-queue drain of connection {@code epoch} began with {@code outstandingWrs} WRs to complete or flush. */
    record DrainStarted(long epoch, int outstandingWrs) implements TransportEvent { }

    /** Every WR of connection {@code epoch} completed or flushed ({@code timedOut}: the drain timeout ended it). */
    record DrainFinished(long epoch, boolean timedOut) implements TransportEvent { }

    /** Connection {@code epoch} is up; {@code reconnect} for every connection after the first. */
    record Connected(long epoch, boolean reconnect) implements TransportEvent { }

    /** No more connections will be made (reconnects exhausted, shutdown, or a dead child); requests end now. */
    record GaveUp(String reason) implements TransportEvent { }

    /** A part of the transport died; every waiting and later request ends with TRANSPORT_FAILED. */
    record Failed(String reason) implements TransportEvent { }

    /** An MR could not be deregistered: its protection domain is retired and the connection remade. */
    record PdRetired(int generation, String reason) implements TransportEvent { }
}
