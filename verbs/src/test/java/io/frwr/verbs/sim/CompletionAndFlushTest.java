package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.RKey;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionAndFlushTest {

    @Test
    void unsignaledWrsProduceNoCompletionButExecute() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer target = Conn.map(c.server, 64);
        final SimMr mr = c.register(c.serverQp, target, 0, 64, ALL, 1);
        final List<SendWr> chain = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            final DmaBuffer src = Conn.map(c.client, Conn.pattern(16, 10 * i));
            chain.add(Conn.write(i, i == 3, src, 16, target.address() + 16L * i, mr.rkey()));
        }
        c.clientQp.postSend(chain);
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(3L), Conn.wrIds(wcs), "only the signaled WR completes");
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(Conn.pattern(16, 10 * i), Conn.bytes(target, 16 * i, 16), "write " + i);
        }
        assertEquals(4, c.fabric.stats().executed(Opcode.RDMA_WRITE));
        assertEquals(0, c.clientQp.outstandingSends());
    }

    @Test
    void afterAnErrorEveryOutstandingWrIsFlushedInPostingOrder() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer target = Conn.map(c.server, 64);
        final SimMr mr = c.register(c.serverQp, target, 0, 64, ALL, 1);
        final DmaBuffer buf = Conn.map(c.client, 64);
        for (int i = 0; i < 3; i++) {
            c.postRecv(c.clientQp, 100 + i, buf, 0, 64);
            c.postRecv(c.serverQp, 200 + i, Conn.map(c.server, 64), 0, 64);
        }
        final int badRkey = RKey.withKeyByte(mr.rkey(), 2);
        c.clientQp.postSend(List.of(
                Conn.write(1, false, buf, 8, target.address(), mr.rkey()),  // executes, unsignaled
                Conn.write(2, false, buf, 8, target.address(), badRkey),    // fails: completes though unsignaled
                Conn.write(3, false, buf, 8, target.address(), mr.rkey()),
                new SendWr.LocalInv(4, true, mr.rkey()),
                Conn.read(5, buf, 8, target.address(), mr.rkey())));
        c.settle();
        final List<WorkCompletion> send = Conn.drain(c.clientSendCq);
        assertEquals(List.of(2L, 3L, 4L, 5L), Conn.wrIds(send));
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR,
                WcStatus.WR_FLUSH_ERR), Conn.statuses(send));
        assertEquals(List.of(Opcode.RDMA_WRITE, Opcode.RDMA_WRITE, Opcode.LOCAL_INV, Opcode.RDMA_READ),
                send.stream().map(WorkCompletion::opcode).toList(), "flushed WRs keep their posted opcode");
        final List<WorkCompletion> recv = Conn.drain(c.clientRecvCq);
        assertEquals(List.of(100L, 101L, 102L), Conn.wrIds(recv));
        assertTrue(recv.stream().allMatch(w -> w.status() == WcStatus.WR_FLUSH_ERR && w.opcode() == Opcode.RECV));
        final List<WorkCompletion> peerRecv = Conn.drain(c.serverRecvCq);
        assertEquals(List.of(200L, 201L, 202L), Conn.wrIds(peerRecv), "the peer's outstanding RECVs flush too");
        assertEquals(9, c.fabric.stats().flushed(), "3 sends, 3 + 3 receives");
        assertEquals(0, c.clientQp.outstandingSends());
    }

    @Test
    void postingToAQpInErrorFailsWithEnotconn() throws Exception {
        final Conn c = Conn.stepped();
        c.clientQp.moveToError();
        assertEquals(QpState.ERROR, c.clientQp.state());
        final DmaBuffer buf = Conn.map(c.client, 64);
        final PostSendException e = assertThrows(PostSendException.class,
                () -> c.clientQp.postSend(List.of(Conn.send(1, true, buf, 8), Conn.send(2, true, buf, 8))));
        assertEquals(Errno.ENOTCONN, e.errno());
        assertEquals(0, e.failedIndex());
        assertEquals(Errno.ENOTCONN, assertThrows(VerbsException.class,
                () -> c.clientQp.postRecv(new RecvWr(3, buf.segment(0, 8)))).errno());
    }

    @Test
    void steppedMoveToErrorFlushesAtTheNextStepAndDisconnectsBothSides() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer buf = Conn.map(c.client, 64);
        c.postRecv(c.clientQp, 1, buf, 0, 64);
        c.postRecv(c.serverQp, 2, Conn.map(c.server, 64), 0, 64);
        c.clientQp.postSend(Conn.send(3, true, buf, 8));
        c.clientQp.moveToError();
        assertEquals(QpState.ERROR, c.clientQp.state());
        assertEquals(QpState.ERROR, c.serverQp.state());
        assertEquals(0, c.clientSendCq.size(), "nothing executes until step()");
        c.settle();
        assertEquals(List.of(WcStatus.WR_FLUSH_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertEquals(List.of(1L), Conn.wrIds(Conn.drain(c.clientRecvCq)));
        assertEquals(List.of(2L), Conn.wrIds(Conn.drain(c.serverRecvCq)));
        assertTrue(c.clientEvents.get(1) instanceof CmEvent.Disconnected d && d.qp() == c.clientQp);
        assertTrue(c.serverEvents.get(1) instanceof CmEvent.Disconnected d && d.qp() == c.serverQp);
        assertEquals(2, c.clientEvents.size());
        assertEquals(2, c.serverEvents.size());
    }

    @Test
    void notificationHandlerRunsOnceForTheNextCompletionInsideStep() throws Exception {
        final Conn c = Conn.stepped();
        final List<Thread> calls = new ArrayList<>();
        c.clientSendCq.setNotificationHandler(() -> calls.add(Thread.currentThread()));
        final DmaBuffer buf = Conn.map(c.client, 64);
        c.postRecv(c.serverQp, 1, Conn.map(c.server, 64), 0, 64);
        c.postRecv(c.serverQp, 2, Conn.map(c.server, 64), 0, 64);
        c.clientQp.postSend(Conn.send(10, true, buf, 8));
        c.settle();
        assertEquals(0, calls.size(), "not armed");
        c.clientSendCq.requestNotify();
        c.clientQp.postSend(List.of(Conn.send(11, true, buf, 8), Conn.send(12, true, buf, 8)));
        c.settle();
        assertEquals(List.of(Thread.currentThread()), calls, "once, on the stepping thread");
        assertEquals(3, Conn.drain(c.clientSendCq).size());
    }

    @Test
    void aCqOverrunDropsTheCompletionAndBreaksTheQp() throws Exception {
        final SimFabric fabric = Conn.stepped(3);
        final SimDevice a = fabric.endpoint("client");
        final SimDevice b = fabric.endpoint("server");
        final Conn c = new Conn(fabric);
        // a CQ with room for one completion on a fresh connection
        final SimCompletionQueue tiny = a.createCq(1);
        final SimProtectionDomain pd = c.clientPd;
        final List<CmEvent> events = new ArrayList<>();
        b.connectionManager().listen("server2", req -> {
            try {
                req.accept(new io.frwr.verbs.ConnectParams(c.serverPd, c.serverSendCq, c.serverRecvCq, 8, 8,
                        null, null), e -> { });
            } catch (VerbsException e) {
                throw new AssertionError(e);
            }
        });
        a.connectionManager().connect("server2", new io.frwr.verbs.ConnectParams(pd, tiny, c.clientRecvCq, 8, 8,
                null, null), events::add);
        fabric.runUntilQuiet(100);
        final SimQueuePair qp = (SimQueuePair) ((CmEvent.Established) events.get(0)).qp();
        qp.postSend(List.of(new SendWr.LocalInv(1, true, pd.allocFastRegMr(1).rkey()),
                new SendWr.LocalInv(2, true, pd.allocFastRegMr(1).rkey())));
        fabric.runUntilQuiet(100);
        assertEquals(List.of(1L), Conn.wrIds(Conn.drain(tiny)));
        assertEquals(QpState.ERROR, qp.state());
        assertTrue(fabric.stats().cqOverruns() >= 1);
    }

    @Test
    void disconnectedArrivesOnlyAfterEveryFlushCompletionOfBothQps() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            final Conn c = new Conn(Conn.stepped(seed));
            final SimMr mr = c.clientPd.allocFastRegMr(1);
            c.clientQp.postSend(new SendWr.LocalInv(1, false, mr.rkey())); // executes, never completes
            c.settle();
            c.postRecv(c.clientQp, 2, Conn.map(c.client, 8), 0, 8);
            c.postRecv(c.serverQp, 3, Conn.map(c.server, 8), 0, 8);
            c.serverQp.postSend(new SendWr.LocalInv(4, false, RKey.of(999, 0))); // would fail; flushed instead
            c.clientQp.moveToError();
            int flushesSeen = 0;
            while (c.fabric.step()) {
                flushesSeen += Conn.drain(c.clientRecvCq).size() + Conn.drain(c.serverRecvCq).size()
                        + Conn.drain(c.serverSendCq).size();
                final boolean disconnected = c.clientEvents.size() > 1 || c.serverEvents.size() > 1;
                if (disconnected) {
                    assertEquals(3, flushesSeen, "seed " + seed + ": Disconnected before the flushes");
                }
            }
            assertEquals(3, flushesSeen);
            assertEquals(List.of(), Conn.drain(c.clientSendCq),
                    "the executed unsignaled LOCAL_INV never completes; the consumer learns it ran from Disconnected");
            assertTrue(c.clientEvents.get(1) instanceof CmEvent.Disconnected);
            assertTrue(c.serverEvents.get(1) instanceof CmEvent.Disconnected);
        }
    }
}
