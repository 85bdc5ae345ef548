package io.frwr.rpc.server;

/**
 * The responder's counters, as {@link RpcRdmaResponder.GetStats} reports them. Every way a requester's
 * message can be refused is a distinct counter, so a test (or an operator) can tell a hostile peer from a
 * buggy one without reading logs.
 *
 * @param calls               RPC calls handed to the program
 * @param errorsSent          RDMA_ERROR replies posted (ERR_VERS and ERR_CHUNK)
 * @param bytesRead           bytes pulled from requesters by RDMA READ
 * @param bytesWritten        bytes posted to requesters by RDMA WRITE (write and reply chunks)
 * @param remoteInvalidations replies posted as SEND_WITH_INV
 * @param connectionsAccepted connections accepted since start
 * @param connectionsReleased connections whose resources were released after a disconnect
 * @param activeConnections   connections currently held
 * @param headersRefused      transport headers that did not decode (answered ERR_VERS or ERR_CHUNK when the
 *                            xid was readable)
 * @param callsOverLimit      of those, headers beyond this responder's configured limits: read list larger
 *                            than max-call-payload, too many segments or chunks
 * @param messagesDropped     messages too short to hold an xid: nothing can be answered
 * @param callsOverCredit     calls received while the requester already had all granted credits in use;
 *                            answered SYSTEM_ERR without touching their chunks
 * @param garbageArgs         calls whose ONC RPC header did not decode, answered GARBAGE_ARGS
 * @param repliesTooLarge     replies the program made larger than max-reply-payload, answered SYSTEM_ERR
 * @param readFailures        RDMA READs of a requester's chunk that failed (bad rkey, invalidated, bounds): the
 *                            QP breaks and the connection is released, as in svcrdma
 * @param connectionsDropped  connections this responder disconnected: more than twice the credits unanswered,
 *                            or a fault in handling a message
 * @param peakConnectionBytes the most direct memory one connection ever held mapped (slots and call buffers);
 *                            never above {@link ResponderSettings#connectionMemoryBound()}
 */
public record ResponderStats(long calls, long errorsSent, long bytesRead, long bytesWritten, long remoteInvalidations,
                             long connectionsAccepted, long connectionsReleased, int activeConnections,
                             long headersRefused, long callsOverLimit, long messagesDropped, long callsOverCredit,
                             long garbageArgs, long repliesTooLarge, long readFailures, long connectionsDropped,
                             long peakConnectionBytes) {
}
