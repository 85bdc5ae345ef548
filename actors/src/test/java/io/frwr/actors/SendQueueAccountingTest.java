package io.frwr.actors;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendQueueAccountingTest {
    @Test
    void fastRegAndLocalInvSlotsCountLikeAnyWr() {
        final SendQueueAccounting sq = new SendQueueAccounting(8, 4);
        for (int i = 0; i < 8; i++) {
            sq.take();
        }
        assertFalse(sq.fits(1), "a full queue must not take a ninth WR, whatever its opcode");
        assertThrows(IllegalStateException.class, sq::take);
        sq.retireThrough(3);
        assertEquals(3, sq.free());
    }

    @Test
    void signalsEveryNthWrAndWhenAsked() {
        final SendQueueAccounting sq = new SendQueueAccounting(64, 4);
        int signaled = 0;
        for (int i = 0; i < 16; i++) {
            if (sq.signal(sq.take(), false)) {
                signaled++;
            }
        }
        assertEquals(4, signaled);
        assertTrue(sq.signal(sq.take(), true), "a requested signal (last LOCAL_INV of a chain) is always given");
    }

    @Test
    void largestRequestAlwaysFitsOnceSignaledWrsComplete() {
        final SendQueueAccounting sq = new SendQueueAccounting(16, 4);
        long lastSignaled = 0;
        for (int i = 0; i < 16; i++) {
            final long seq = sq.take();
            if (sq.signal(seq, false)) {
                lastSignaled = seq;
            }
        }
        // Only signaled WRs complete: the unsignaled tail behind the last one keeps its slots.
        sq.retireThrough(lastSignaled);
        assertTrue(sq.fits(sq.largestRequest()), "free " + sq.free() + " < largest request " + sq.largestRequest());
    }

    @Test
    void unpostGivesSlotsBackAndRetireIsMonotonic() {
        final SendQueueAccounting sq = new SendQueueAccounting(8, 2);
        sq.take();
        sq.take();
        sq.take();
        sq.unpostFrom(2);
        assertEquals(1, sq.outstanding());
        sq.retireThrough(1);
        sq.retireThrough(0);
        assertEquals(0, sq.outstanding());
        assertThrows(IllegalArgumentException.class, () -> sq.retireThrough(5));
        assertThrows(IllegalArgumentException.class, () -> new SendQueueAccounting(4, 5));
    }
}
