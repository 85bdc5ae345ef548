package io.frwr.verbs.disni;

import io.frwr.verbs.Opcode;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

/** ibv_wc numbers to SPI completions. Pure: tested everywhere. */
final class CompletionTranslation {
    private CompletionTranslation() {
    }

    static WcStatus status(int ibvStatus) {
        return switch (ibvStatus) {
            case IbvNumbers.WC_SUCCESS -> WcStatus.SUCCESS;
            case IbvNumbers.WC_LOC_LEN_ERR -> WcStatus.LOC_LEN_ERR;
            case IbvNumbers.WC_LOC_QP_OP_ERR -> WcStatus.LOC_QP_OP_ERR;
            // LOC_ACCESS_ERR is a local protection fault as well (an sge outside its MR's access rights)
            case IbvNumbers.WC_LOC_PROT_ERR, IbvNumbers.WC_LOC_ACCESS_ERR -> WcStatus.LOC_PROT_ERR;
            case IbvNumbers.WC_WR_FLUSH_ERR -> WcStatus.WR_FLUSH_ERR;
            case IbvNumbers.WC_REM_INV_REQ_ERR -> WcStatus.REM_INV_REQ_ERR;
            case IbvNumbers.WC_REM_ACCESS_ERR -> WcStatus.REM_ACCESS_ERR;
            case IbvNumbers.WC_REM_OP_ERR -> WcStatus.REM_OP_ERR;
            case IbvNumbers.WC_RETRY_EXC_ERR -> WcStatus.RETRY_EXC_ERR;
            case IbvNumbers.WC_RNR_RETRY_EXC_ERR -> WcStatus.RNR_RETRY_EXC_ERR;
            default -> WcStatus.GENERAL_ERR;
        };
    }

    /**
     * The opcode a successful completion reports. Error completions carry no valid opcode in ibverbs, and
     * SEND_WITH_INV completes as IBV_WC_SEND, which is why the QP reports the posted opcode instead.
     */
    static Opcode opcode(int ibvWcOpcode) {
        return switch (ibvWcOpcode) {
            case IbvNumbers.WC_SEND -> Opcode.SEND;
            case IbvNumbers.WC_RDMA_WRITE -> Opcode.RDMA_WRITE;
            case IbvNumbers.WC_RDMA_READ -> Opcode.RDMA_READ;
            case IbvNumbers.WC_LOCAL_INV -> Opcode.LOCAL_INV;
            case IbvNumbers.WC_RECV -> Opcode.RECV;
            default -> throw new IllegalArgumentException("ibv_wc_opcode " + ibvWcOpcode
                    + " is none of SEND(0), RDMA_WRITE(1), RDMA_READ(2), LOCAL_INV(6), RECV(128)");
        };
    }

    /** A send-queue completion: the opcode and wr_id are the ones the caller posted. */
    static WorkCompletion send(NativeCompletion wc, long callerWrId, Opcode posted) {
        return new WorkCompletion(callerWrId, posted, status(wc.status()), wc.byteLen(), false, 0, wc.qpNum());
    }

    /** A receive completion; WITH_INV means the peer's SEND_WITH_INV invalidated the rkey in imm_data. */
    static WorkCompletion recv(NativeCompletion wc, long callerWrId) {
        final WcStatus status = status(wc.status());
        final boolean withInv = status.isSuccess() && (wc.wcFlags() & IbvNumbers.WC_WITH_INV) != 0;
        return new WorkCompletion(callerWrId, Opcode.RECV, status, status.isSuccess() ? wc.byteLen() : 0, withInv,
                withInv ? wc.immData() : 0, wc.qpNum());
    }
}
