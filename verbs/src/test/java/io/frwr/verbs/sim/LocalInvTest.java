package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.QpState;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalInvTest {

    @Test
    void localInvWithAnotherKeyByteFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 7);
        c.clientQp.postSend(new SendWr.LocalInv(1, true, RKey.withKeyByte(mr.installedRkey(), 6)));
        c.settle();
        assertEquals(List.of(WcStatus.LOC_PROT_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertTrue(mr.isValid(), "a failed LOCAL_INV leaves the MR registered");
        assertEquals(QpState.ERROR, c.clientQp.state());
    }

    @Test
    void localInvOfNoMrFails() throws Exception {
        final Conn c = Conn.stepped();
        c.clientQp.postSend(new SendWr.LocalInv(1, false, RKey.of(77, 0)));
        c.settle();
        assertEquals(List.of(WcStatus.LOC_PROT_ERR), Conn.statuses(Conn.drain(c.clientSendCq)),
                "an unsignaled WR that fails still completes");
    }

    @Test
    void localInvOfAnAlreadyInvalidMrWithTheMatchingRkeySucceeds() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 7);
        final SendWr.LocalInv inv = new SendWr.LocalInv(1, true, mr.installedRkey());
        c.clientQp.postSend(List.of(inv, new SendWr.LocalInv(2, true, mr.installedRkey())));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertFalse(mr.isValid());
        // a never-registered MR is invalid with its initial key byte 0
        final SimMr fresh = c.clientPd.allocFastRegMr(1);
        c.clientQp.postSend(new SendWr.LocalInv(3, true, fresh.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
    }

    @Test
    void afterLocalInvTheRkeyNeverWorksAgain() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, Conn.pattern(64, 2));
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 7);
        c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.installedRkey()));
        c.settle();
        Conn.drain(c.clientSendCq);
        final DmaBuffer src = Conn.map(c.server, Conn.pattern(64, 100));
        c.serverQp.postSend(Conn.write(2, true, src, 64, b.address(), mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.INVALID));
        assertArrayEquals(Conn.pattern(64, 2), Conn.bytes(b, 0, 64), "no byte of the target was touched");
    }

    @Test
    void localInvThenFastRegOfTheSameMrAsOneChainWorksAndTheOldRkeyIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, Conn.pattern(4096, 4));
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 1);
        final int oldRkey = mr.installedRkey();
        mr.updateKey(2);
        // unsignaled LOCAL_INV, signaled FAST_REG: one chain, executed in posting order
        c.clientQp.postSend(List.of(new SendWr.LocalInv(1, false, oldRkey),
                Conn.fastReg(2, mr, Conn.pages(b, 1024, 64), ALL)));
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(wcs));
        assertEquals(Opcode.FAST_REG, wcs.get(0).opcode());
        assertEquals(RKey.of(mr.index(), 2), mr.installedRkey());

        final DmaBuffer sink = Conn.map(c.server, 64);
        c.serverQp.postSend(Conn.read(3, sink, 64, b.address() + 1024, mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));

        c.serverQp.postSend(Conn.read(4, sink, 64, b.address() + 1024, oldRkey));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.KEY_MISMATCH));
    }

    @Test
    void fastRegPostedAfterLocalInvExecutesAfterItEvenWhenPostedSeparately() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.register(c.clientQp, b, 0, 64, ALL, 1);
        c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.installedRkey()));
        mr.updateKey(2);
        c.clientQp.postSend(Conn.fastReg(2, mr, Conn.pages(b, 0, 64), ALL));
        assertTrue(mr.isValid(), "STEPPED: nothing executed before step()");
        assertEquals(2, c.clientQp.pendingSends());
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(1L, 2L), Conn.wrIds(wcs));
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), Conn.statuses(wcs));
    }
}
