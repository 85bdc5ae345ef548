package io.frwr.verbs.sim;

import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.PageList;
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

class FastRegTest {

    /** Posts {@code wr} (signaled) followed by a signaled LOCAL_INV on the client QP; expects LOC_PROT_ERR. */
    private static void expectLocProtErr(Conn c, SendWr.FastReg wr) throws Exception {
        final SendWr.LocalInv after = new SendWr.LocalInv(2, true, RKey.of(99, 0));
        c.clientQp.postSend(List.of(wr, after));
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR), Conn.statuses(wcs));
        assertEquals(List.of(wr.wrId(), 2L), Conn.wrIds(wcs));
        assertEquals(QpState.ERROR, c.clientQp.state());
        assertEquals(QpState.ERROR, c.serverQp.state(), "the peer QP goes to ERROR too");
        assertTrue(c.clientEvents.get(c.clientEvents.size() - 1) instanceof CmEvent.Disconnected);
    }

    @Test
    void fastRegOfAValidMrFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 8192);
        final SimMr mr = c.register(c.clientQp, b, 0, 100, ALL, 1);
        mr.updateKey(2);
        expectLocProtErr(c, Conn.fastReg(1, mr, Conn.pages(b, 0, 100), ALL));
        assertEquals(RKey.of(mr.index(), 1), mr.installedRkey(), "the registration is unchanged");
    }

    @Test
    void fastRegOfADeregisteredMrFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 8192);
        final SimMr mr = c.clientPd.allocFastRegMr(4);
        final SendWr.FastReg wr = Conn.fastReg(1, mr, Conn.pages(b, 0, 100), ALL);
        c.clientPd.deregMr(mr);
        expectLocProtErr(c, wr);
    }

    @Test
    void fastRegWithAnRkeyOfAnotherIndexFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 8192);
        final SimMr mr = c.clientPd.allocFastRegMr(4);
        final SimMr other = c.clientPd.allocFastRegMr(4);
        expectLocProtErr(c, new SendWr.FastReg(1, true, mr, Conn.pages(b, 0, 100), other.rkey(), ALL));
        assertFalse(mr.isValid());
    }

    @Test
    void fastRegOfMorePagesThanTheMrHoldsFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 3 * 4096);
        final SimMr mr = c.clientPd.allocFastRegMr(2);
        final PageList threePages = Conn.pages(b, 0, 3 * 4096);
        assertEquals(3, threePages.pageCount());
        expectLocProtErr(c, Conn.fastReg(1, mr, threePages, ALL));
    }

    @Test
    void aPageListStartingMidPageCountsTheExtraPage() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 3 * 4096);
        final SimMr mr = c.clientPd.allocFastRegMr(2);
        final PageList straddling = Conn.pages(b, 4000, 200); // two pages though only 200 bytes
        assertEquals(2, straddling.pageCount());
        c.clientQp.postSend(Conn.fastReg(1, mr, straddling, ALL));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
    }

    @Test
    void remoteWriteWithoutLocalWriteIsRefusedAsOnAnHca() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        expectLocProtErr(c, Conn.fastReg(1, mr, Conn.pages(b, 0, 64), Access.REMOTE_WRITE));
    }

    @Test
    void fastRegOfMemoryThisDeviceDidNotMapFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer serverMem = Conn.map(c.server, 4096);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        expectLocProtErr(c, Conn.fastReg(1, mr, Conn.pages(serverMem, 0, 64), ALL));
    }

    @Test
    void fastRegOfAnMrOfAnotherPdFails() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.client.allocPd().allocFastRegMr(1);
        expectLocProtErr(c, Conn.fastReg(1, mr, Conn.pages(b, 0, 64), ALL));
    }

    @Test
    void successInstallsKeyAccessPagesAndTheByteRange() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, Conn.pattern(8192, 9));
        final SimMr mr = c.register(c.clientQp, b, 100, 5000, Access.REMOTE_READ, 0x5A);
        assertTrue(mr.isValid());
        assertEquals(RKey.of(mr.index(), 0x5A), mr.installedRkey());

        final DmaBuffer sink = Conn.map(c.server, 5000);
        c.serverQp.postSend(Conn.read(1, sink, 5000, b.address() + 100, mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        final byte[] expected = new byte[5000];
        System.arraycopy(Conn.pattern(8192, 9), 100, expected, 0, 5000);
        assertArrayEquals(expected, Conn.bytes(sink, 0, 5000));

        // the access flags were installed: REMOTE_READ only, so a WRITE is refused and nothing changes
        c.serverQp.postSend(Conn.write(2, true, sink, 10, b.address() + 100, mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.ACCESS));
        assertArrayEquals(Conn.pattern(8192, 9), Conn.bytes(b, 0, 8192));
    }

    @Test
    void rangesAreLaidEndToEndInIovaSpace() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer first = Conn.map(c.client, Conn.pattern(4096, 1));
        final DmaBuffer second = Conn.map(c.client, Conn.pattern(4096, 50));
        // [first + 4000, end of first) then all of second: 96 + 4096 bytes in iova space
        final PageList pl = PageList.of(4096, false, new long[] {first.address() + 4000, second.address()},
                new int[] {96, 4096});
        final SimMr mr = c.clientPd.allocFastRegMr(4);
        c.clientQp.postSend(Conn.fastReg(1, mr, pl, ALL));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));

        final DmaBuffer sink = Conn.map(c.server, 200);
        c.serverQp.postSend(Conn.read(2, sink, 200, pl.iova() + 50, mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        final byte[] expected = new byte[200];
        System.arraycopy(Conn.pattern(4096, 1), 4050, expected, 0, 46);
        System.arraycopy(Conn.pattern(4096, 50), 0, expected, 46, 154);
        assertArrayEquals(expected, Conn.bytes(sink, 0, 200));
    }
}
