package io.frwr.verbs;

import java.util.List;

/**
 * A reliable-connected queue pair, as the connection manager hands it out in RTS.
 *
 * <p>The send queue executes in posting order. When the QP enters ERROR (a failed WR, a remote access
 * error, a disconnect, {@link #moveToError()}), every WR still outstanding completes with WR_FLUSH_ERR, in
 * posting order, and posting fails with ENOTCONN.
 */
public interface QueuePair {
    /** {@return the QP number, as the wire and the logs name it} */
    int qpNum();

    /** {@return the QP's state now} */
    QpState state();

    /** Send-queue slots: outstanding (posted, not yet completed) WRs of every opcode count. */
    int sendQueueCapacity();

    /** {@return how many receives may be posted and not yet completed} */
    int recvQueueCapacity();

    /** {@return the CQ send-queue completions arrive on} */
    CompletionQueue sendCq();

    /** {@return the CQ receive completions arrive on} */
    CompletionQueue recvCq();

    /** Post a chain. On failure, WRs before {@link PostSendException#failedIndex()} were posted. */
    void postSend(List<? extends SendWr> chain) throws PostSendException;

    /** Post one WR: a chain of one. */
    default void postSend(SendWr wr) throws PostSendException {
        postSend(List.of(wr));
    }

    /** Post a receive buffer; a SEND from the peer with none posted is an RNR error. */
    void postRecv(RecvWr wr) throws VerbsException;

    /** Force ERROR so that everything outstanding flushes. */
    void moveToError();

    /**
     * ib_drain_sq: move to ERROR if not there yet, then complete a marker (wr_id {@code markerWrId}, opcode
     * SEND, status WR_FLUSH_ERR) on the send CQ after every WR posted before it has completed or flushed.
     * Unsignaled WRs that executed never produce a completion of their own; the marker is how a consumer
     * learns that they are done, so a drain can end without waiting for a timeout.
     */
    void drainSendQueue(long markerWrId);

    /** rdma_disconnect: ERROR here, DISCONNECTED event at both ends. */
    void disconnect();
}
