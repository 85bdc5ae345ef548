package io.frwr.rpc.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CreditGrantTest {
    @Test
    void startsAtOneCredit() {
        final CreditGrant g = new CreditGrant(32);
        assertEquals(1, g.granted());
        g.take();
        assertFalse(g.available());
        assertThrows(IllegalStateException.class, g::take);
    }

    @Test
    void grantOfZeroCountsAsOneAndTooLargeIsCapped() {
        final CreditGrant g = new CreditGrant(8);
        g.update(0);
        assertEquals(1, g.granted());
        g.update(1000);
        assertEquals(8, g.granted());
        g.update(-1); // 2^32-1 on the wire, unsigned
        assertEquals(8, g.granted());
        g.update(3);
        assertEquals(3, g.granted());
    }

    @Test
    void resetGoesBackToOneAndKeepsCreditsInUse() {
        final CreditGrant g = new CreditGrant(8);
        g.update(4);
        g.take();
        g.take();
        g.reset();
        assertEquals(1, g.granted());
        assertEquals(2, g.inUse());
        assertFalse(g.available());
        g.give();
        g.give();
        assertTrue(g.available());
        assertEquals(2, g.highWater());
        assertThrows(IllegalStateException.class, g::give);
    }
}
