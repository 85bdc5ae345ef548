package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
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

class RecvTest {

    @Test
    void aSendLandsInTheNextPostedRecv() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer r1 = Conn.map(c.server, 64);
        final DmaBuffer r2 = Conn.map(c.server, 64);
        c.postRecv(c.serverQp, 1, r1, 0, 64);
        c.postRecv(c.serverQp, 2, r2, 0, 64);
        final DmaBuffer a = Conn.map(c.client, Conn.pattern(10, 1));
        final DmaBuffer b = Conn.map(c.client, Conn.pattern(20, 2));
        c.clientQp.postSend(new SendWr.Send(5, true, List.of(a.segment(0, 10), b.segment(0, 20))));
        c.settle();
        final List<WorkCompletion> recv = Conn.drain(c.serverRecvCq);
        assertEquals(1, recv.size());
        assertEquals(new WorkCompletion(1, Opcode.RECV, WcStatus.SUCCESS, 30, false, 0, c.serverQp.qpNum()),
                recv.get(0));
        final byte[] expected = new byte[30];
        System.arraycopy(Conn.pattern(10, 1), 0, expected, 0, 10);
        System.arraycopy(Conn.pattern(20, 2), 0, expected, 10, 20);
        assertArrayEquals(expected, Conn.bytes(r1, 0, 30));
        assertEquals(1, c.serverQp.postedRecvs());
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
    }

    @Test
    void aSendWithNoRecvPostedIsAnRnrErrorAndBreaksBothQps() throws Exception {
        final Conn c = Conn.stepped();
        c.clientQp.postSend(Conn.send(1, false, Conn.map(c.client, 8), 8));
        c.settle();
        assertEquals(List.of(WcStatus.RNR_RETRY_EXC_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertEquals(QpState.ERROR, c.clientQp.state());
        assertEquals(QpState.ERROR, c.serverQp.state());
        assertTrue(c.serverEvents.get(c.serverEvents.size() - 1) instanceof CmEvent.Disconnected);
    }

    @Test
    void aSendLargerThanTheRecvBufferIsALengthError() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer small = Conn.map(c.server, Conn.pattern(8, 5));
        c.postRecv(c.serverQp, 1, small, 0, 8);
        c.postRecv(c.serverQp, 2, Conn.map(c.server, 64), 0, 64);
        c.clientQp.postSend(Conn.send(3, true, Conn.map(c.client, 9), 9));
        c.settle();
        assertEquals(List.of(WcStatus.REM_INV_REQ_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        final List<WorkCompletion> recv = Conn.drain(c.serverRecvCq);
        assertEquals(List.of(WcStatus.LOC_LEN_ERR, WcStatus.WR_FLUSH_ERR), Conn.statuses(recv));
        assertEquals(List.of(1L, 2L), Conn.wrIds(recv));
        assertEquals(QpState.ERROR, c.clientQp.state());
        assertEquals(QpState.ERROR, c.serverQp.state());
        assertArrayEquals(Conn.pattern(8, 5), Conn.bytes(small, 0, 8));
    }

    @Test
    void sendWithInvalidateKillsTheRkeyAndTellsTheReceiver() throws Exception {
        final Conn c = Conn.stepped();
        // the client registers, the server answers with SEND_WITH_INV of that rkey (RFC 8797)
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, ALL, 3);
        c.postRecv(c.clientQp, 1, Conn.map(c.client, 64), 0, 64);
        c.serverQp.postSend(new SendWr.SendWithInv(2, true, Conn.sgl(Conn.map(c.server, 16), 0, 16),
                mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(List.of(new WorkCompletion(1, Opcode.RECV, WcStatus.SUCCESS, 16, true, mr.installedRkey(),
                c.clientQp.qpNum())), Conn.drain(c.clientRecvCq));
        assertFalse(mr.isValid());

        final DmaBuffer sink = Conn.map(c.server, 64);
        c.serverQp.postSend(Conn.read(3, sink, 64, mem.address(), mr.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.INVALID));
        assertEquals(1, c.fabric.stats().executed(Opcode.SEND_WITH_INV));
    }

    @Test
    void sendWithInvalidateOfAStaleRkeyIsRefusedAndDeliversNothing() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, 64);
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, ALL, 3);
        final DmaBuffer recvBuf = Conn.map(c.client, Conn.pattern(64, 8));
        c.postRecv(c.clientQp, 1, recvBuf, 0, 64);
        c.serverQp.postSend(new SendWr.SendWithInv(2, true, Conn.sgl(Conn.map(c.server, 16), 0, 16),
                RKey.withKeyByte(mr.installedRkey(), 2)));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(List.of(WcStatus.WR_FLUSH_ERR), Conn.statuses(Conn.drain(c.clientRecvCq)),
                "the RECV was not consumed; it flushed");
        assertArrayEquals(Conn.pattern(64, 8), Conn.bytes(recvBuf, 0, 64));
        assertTrue(mr.isValid(), "nothing was invalidated");
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.KEY_MISMATCH));
    }
}
