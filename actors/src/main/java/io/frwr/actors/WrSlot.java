package io.frwr.actors;

import akka.actor.typed.ActorRef;
import io.frwr.verbs.Opcode;

/**
 * What the QueuePair actor remembers about one outstanding send WR, in a ring indexed by sequence number
 * (the send queue bounds how many are outstanding, so the ring never overflows and nothing is allocated
 * per WR).
 */
final class WrSlot {
    Opcode opcode;
    MappedMr mr;
    Fence fence;
    ActorRef<RdmaTransport.SendReply> sendReplyTo;
    long cookie;
    /** A FAST_REG of a registration that failed to post completely: recover the MR once the WR retired. */
    boolean recoverOnRetire;

    /** A FAST_REG whose registration is answered only when its rkey is known (provider picks the rkey). */
    PendingRegistration pendingRegistration;

    void clear() {
        pendingRegistration = null;
        opcode = null;
        mr = null;
        fence = null;
        sendReplyTo = null;
        recoverOnRetire = false;
    }
}
