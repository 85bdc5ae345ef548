package io.frwr.verbs.disni;

/**
 * Numbers from rdma-core's {@code infiniband/verbs.h}. They are the user-space ABI, so they never change;
 * DiSNI 2.1 lacks some of them (IBV_WR_SEND_WITH_INV, IBV_WC_WITH_INV) and spells others as enums.
 */
final class IbvNumbers {
    // enum ibv_wr_opcode
    static final int WR_RDMA_WRITE = 0;
    static final int WR_SEND = 2;
    static final int WR_RDMA_READ = 4;
    static final int WR_LOCAL_INV = 7;
    /** Not in DiSNI 2.1's IbvSendWR; libibverbs accepts it and DiSNI copies the opcode through unchanged. */
    static final int WR_SEND_WITH_INV = 9;

    // enum ibv_send_flags
    static final int SEND_FENCE = 1;
    static final int SEND_SIGNALED = 1 << 1;

    // enum ibv_wc_opcode
    static final int WC_SEND = 0;
    static final int WC_RDMA_WRITE = 1;
    static final int WC_RDMA_READ = 2;
    static final int WC_LOCAL_INV = 6;
    static final int WC_RECV = 1 << 7;

    // enum ibv_wc_flags: the wc's imm_data union then holds the invalidated rkey
    static final int WC_WITH_INV = 1 << 3;

    // enum ibv_wc_status, the ones we name (the rest map to GENERAL_ERR)
    static final int WC_SUCCESS = 0;
    static final int WC_LOC_LEN_ERR = 1;
    static final int WC_LOC_QP_OP_ERR = 2;
    static final int WC_LOC_PROT_ERR = 4;
    static final int WC_WR_FLUSH_ERR = 5;
    static final int WC_LOC_ACCESS_ERR = 8;
    static final int WC_REM_INV_REQ_ERR = 9;
    static final int WC_REM_ACCESS_ERR = 10;
    static final int WC_REM_OP_ERR = 11;
    static final int WC_RETRY_EXC_ERR = 12;
    static final int WC_RNR_RETRY_EXC_ERR = 13;
    static final int WC_GENERAL_ERR = 21;

    // enum ibv_access_flags: the SPI's Access bits were chosen equal to these
    static final int ACCESS_LOCAL_WRITE = 1;
    static final int ACCESS_REMOTE_WRITE = 1 << 1;
    static final int ACCESS_REMOTE_READ = 1 << 2;

    private IbvNumbers() {
    }
}
