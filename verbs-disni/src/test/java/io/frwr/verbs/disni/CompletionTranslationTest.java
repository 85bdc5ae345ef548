package io.frwr.verbs.disni;

import io.frwr.verbs.Opcode;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The numbers are rdma-core's enum ibv_wc_status / ibv_wc_opcode / ibv_wc_flags. */
class CompletionTranslationTest {
    @Test
    void statusNumbersAreIbverbs() {
        assertEquals(WcStatus.SUCCESS, CompletionTranslation.status(0));
        assertEquals(WcStatus.LOC_LEN_ERR, CompletionTranslation.status(1));
        assertEquals(WcStatus.LOC_QP_OP_ERR, CompletionTranslation.status(2));
        assertEquals(WcStatus.LOC_PROT_ERR, CompletionTranslation.status(4));
        assertEquals(WcStatus.WR_FLUSH_ERR, CompletionTranslation.status(5));
        assertEquals(WcStatus.LOC_PROT_ERR, CompletionTranslation.status(8), "LOC_ACCESS_ERR");
        assertEquals(WcStatus.REM_INV_REQ_ERR, CompletionTranslation.status(9));
        assertEquals(WcStatus.REM_ACCESS_ERR, CompletionTranslation.status(10));
        assertEquals(WcStatus.REM_OP_ERR, CompletionTranslation.status(11));
        assertEquals(WcStatus.RETRY_EXC_ERR, CompletionTranslation.status(12));
        assertEquals(WcStatus.RNR_RETRY_EXC_ERR, CompletionTranslation.status(13));
        assertEquals(WcStatus.GENERAL_ERR, CompletionTranslation.status(21));
        assertEquals(WcStatus.GENERAL_ERR, CompletionTranslation.status(19), "FATAL_ERR has no SPI name");
    }

    @Test
    void opcodeNumbersAreIbverbs() {
        assertEquals(Opcode.SEND, CompletionTranslation.opcode(0));
        assertEquals(Opcode.RDMA_WRITE, CompletionTranslation.opcode(1));
        assertEquals(Opcode.RDMA_READ, CompletionTranslation.opcode(2));
        assertEquals(Opcode.LOCAL_INV, CompletionTranslation.opcode(6));
        assertEquals(Opcode.RECV, CompletionTranslation.opcode(128));
        assertThrows(IllegalArgumentException.class, () -> CompletionTranslation.opcode(3));
    }

    @Test
    void sendCompletionKeepsThePostedOpcodeAndCallersWrId() {
        final WorkCompletion wc = CompletionTranslation.send(new NativeCompletion(17, 5, 0, 0, 0, 0, 0x99, 0), 4,
                Opcode.RDMA_READ);
        assertEquals(new WorkCompletion(4, Opcode.RDMA_READ, WcStatus.WR_FLUSH_ERR, 0, false, 0, 0x99), wc);
    }

    @Test
    void recvWithInvalidateReadsTheRkeyFromImmData() {
        final WorkCompletion wc = CompletionTranslation.recv(new NativeCompletion(1, 0, 128, 300, 8, 0x1234_5678, 3,
                0), 11);
        assertEquals(new WorkCompletion(11, Opcode.RECV, WcStatus.SUCCESS, 300, true, 0x1234_5678, 3), wc);
    }

    @Test
    void recvWithImmediateIsNotAnInvalidation() {
        final WorkCompletion wc = CompletionTranslation.recv(new NativeCompletion(1, 0, 128, 300, 2, 0x77, 3, 0), 11);
        assertFalse(wc.withInvalidate());
        assertEquals(0, wc.invalidatedRkey());
    }

    @Test
    void failedRecvReportsNoBytes() {
        final WorkCompletion wc = CompletionTranslation.recv(new NativeCompletion(1, 5, 0xFF, 999, 8, 1, 3, 0), 11);
        assertEquals(WcStatus.WR_FLUSH_ERR, wc.status());
        assertEquals(0, wc.byteLen());
        assertFalse(wc.withInvalidate());
    }
}
