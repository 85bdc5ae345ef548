package io.frwr.verbs;

/** Completion status codes, named as ibv_wc_status names them. */
public enum WcStatus {
    SUCCESS,
    /** A received SEND was longer than the posted receive buffer. */
    LOC_LEN_ERR,
    LOC_QP_OP_ERR,
    /** A local SGE or a FAST_REG/LOCAL_INV was not allowed (MR in the wrong state, bad lkey, out of bounds). */
    LOC_PROT_ERR,
    /** The QP was in ERROR: the WR was never executed. */
    WR_FLUSH_ERR,
    REM_INV_REQ_ERR,
    /** The peer refused an RDMA READ/WRITE or SEND_WITH_INV: bad rkey, key byte, access flags or bounds. */
    REM_ACCESS_ERR,
    REM_OP_ERR,
    RETRY_EXC_ERR,
    /** The peer had no receive posted (receiver not ready) and the retries ran out. */
    RNR_RETRY_EXC_ERR,
    GENERAL_ERR;

    /** {@return whether the WR executed} */
    public boolean isSuccess() {
        return this == SUCCESS;
    }
}
