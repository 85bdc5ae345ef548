package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import org.junit.jupiter.api.Test;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RkeyLivenessTest {
    @Test
    void anRkeyIsLiveOnlyWhileItsExactRegistrationIsValid() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 7);
        final int rkey = mr.installedRkey();
        assertTrue(c.client.isRkeyLive(rkey));
        assertFalse(c.client.isRkeyLive(RKey.withKeyByte(rkey, 6)), "an old key byte is not the live rkey");
        c.clientQp.postSend(new SendWr.LocalInv(1, true, rkey));
        c.settle();
        assertFalse(c.client.isRkeyLive(rkey), "invalidated");
        assertFalse(c.server.isRkeyLive(rkey), "rkeys are per endpoint");
    }
}
