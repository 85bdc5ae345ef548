package io.frwr.rpc.server;

/**
 * The responder's counters, as {@link RpcRdmaResponder.GetStats} reports them.
 *
 * @param calls               RPC calls handed to the program
 * @param errorsSent          RDMA_ERROR replies posted (ERR_VERS and ERR_CHUNK)
 * @param bytesRead           bytes pulled from requesters by RDMA READ
 * @param bytesWritten        bytes posted to requesters by RDMA WRITE (write and reply chunks)
 * @param remoteInvalidations replies posted as SEND_WITH_INV
 * @param connectionsAccepted connections accepted since start
 * @param connectionsReleased connections whose resources were released after a disconnect
 * @param activeConnections   connections currently held
 */
public record ResponderStats(long calls, long errorsSent, long bytesRead, long bytesWritten, long remoteInvalidations,
                             long connectionsAccepted, long connectionsReleased, int activeConnections) {
}
