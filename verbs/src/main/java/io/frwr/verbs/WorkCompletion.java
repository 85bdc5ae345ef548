package io.frwr.verbs;

/**
 * One completion queue entry.
 *
 * @param wrId            the wr_id of the WR (send or receive) that completed
 * @param opcode          what the WR was; for flushed WRs the opcode that was posted
 * @param status          SUCCESS or the error
 * @param byteLen         bytes received (RECV) or transferred (RDMA READ)
 * @param withInvalidate  true for a RECV whose SEND_WITH_INV invalidated {@code invalidatedRkey} here
 * @param invalidatedRkey the rkey the peer invalidated, when {@code withInvalidate}
 * @param qpNum           the local QP number
 */
public record WorkCompletion(long wrId, Opcode opcode, WcStatus status, int byteLen, boolean withInvalidate,
                             int invalidatedRkey, int qpNum) {
    /** {@return a completion that carries no bytes (everything but a RECV)} */
    public static WorkCompletion of(long wrId, Opcode opcode, WcStatus status, int qpNum) {
        return new WorkCompletion(wrId, opcode, status, 0, false, 0, qpNum);
    }
}
