package io.frwr.verbs.disni;

import io.frwr.verbs.Opcode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SendQueueLedgerTest {
    @Test
    void aCompletionRetiresTheUnsignaledWrsAheadOfIt() {
        final SendQueueLedger ledger = new SendQueueLedger();
        ledger.add(10, Opcode.RDMA_WRITE, false);
        ledger.add(11, Opcode.RDMA_WRITE, false);
        final long send = ledger.add(12, Opcode.SEND, true);
        ledger.add(13, Opcode.SEND, true);

        final SendQueueLedger.Entry e = ledger.retireThrough(send);
        assertEquals(12, e.wrId());
        assertEquals(Opcode.SEND, e.opcode());
        assertEquals(1, ledger.size());
    }

    @Test
    void unknownOrAlreadyRetiredSequenceNumbersReturnNull() {
        final SendQueueLedger ledger = new SendQueueLedger();
        final long a = ledger.add(1, Opcode.SEND, true);
        ledger.retireThrough(a);
        assertNull(ledger.retireThrough(a));
        assertNull(ledger.retireThrough(999));
        assertEquals(0, ledger.size());
    }

    @Test
    void removeLastUndoesAFailedPost() {
        final SendQueueLedger ledger = new SendQueueLedger();
        ledger.add(1, Opcode.SEND, true);
        ledger.add(2, Opcode.SEND, true);
        ledger.removeLast();
        assertEquals(1, ledger.size());
    }
}
