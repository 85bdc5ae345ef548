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
    int qpNum();

    QpState state();

    /** Send-queue slots: outstanding (posted, not yet completed) WRs of every opcode count. */
    int sendQueueCapacity();

    int recvQueueCapacity();

    CompletionQueue sendCq();

    CompletionQueue recvCq();

    /** Post a chain. On failure, WRs before {@link PostSendException#failedIndex()} were posted. */
    void postSend(List<? extends SendWr> chain) throws PostSendException;

    default void postSend(SendWr wr) throws PostSendException {
        postSend(List.of(wr));
    }

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
