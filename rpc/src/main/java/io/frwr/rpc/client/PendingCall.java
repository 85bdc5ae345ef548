package io.frwr.rpc.client;

import akka.actor.typed.ActorRef;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.verbs.DmaBuffer;

/**
 * One call from Call to result. Mutable, confined to the client actor.
 *
 * <p>A call is QUEUED (for a credit), REGISTERING (its chunks), SENT (awaiting the reply), or WAITING
 * (its connection broke: the old registration is being invalidated before a resend). Once its outcome is
 * known it is FINISHING until its registration is invalidated; only then does the caller hear back.
 */
final class PendingCall {
    enum Phase { QUEUED, REGISTERING, SENT, WAITING, FINISHING }

    final long id;
    final int xid;
    final RpcCallSpec spec;
    final ActorRef<CallResult> replyTo;
    Phase phase = Phase.QUEUED;
    CallLayout layout;
    /** The header of the latest transmission: what the reply's chunks are checked against. */
    RpcRdmaHeader sentHeader;
    Registration registration;
    boolean invalidating;
    int sendSlot = -1;
    /** A Send was told and neither Sent nor SendFailed came back: the transport may still read the slot. */
    boolean sendInFlight;
    boolean holdsCredit;
    /** Incremented at every ConnectionDown; a registration from an older generation is not trusted. */
    long generation;
    int transmissions;
    /** Registrations the transport could not post (ENOTCONN before ConnectionDown, EAGAIN): bounded. */
    int postFailures;
    DmaBuffer callChunk;
    DmaBuffer replyBuffer;
    /** The reply, once one matched. */
    RdmaTransport.Received reply;
    RpcRdmaHeader replyHeader;
    /** The RPC reply message when it came inline (the Received copy, past the transport header). */
    java.nio.ByteBuffer replyBody;
    long ddpBytes;
    int replyChunkBytes;
    /** Set once the call's fate is decided: the result goes out when the registration is invalidated. */
    CallError failure;
    boolean succeeded;
    boolean remotelyInvalidated;

    PendingCall(long id, int xid, RpcCallSpec spec, ActorRef<CallResult> replyTo) {
        this.id = id;
        this.xid = xid;
        this.spec = spec;
        this.replyTo = replyTo;
    }

    boolean decided() {
        return succeeded || failure != null;
    }

    int retransmits() {
        return Math.max(0, transmissions - 1);
    }
}
