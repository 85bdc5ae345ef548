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

    /** ib_drain's first step: force ERROR so that everything outstanding flushes. */
    void moveToError();

    /** rdma_disconnect: ERROR here, DISCONNECTED event at both ends. */
    void disconnect();
}
