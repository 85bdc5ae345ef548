package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectionTest {

    @Test
    void injectedPostFailuresFailTheWholeChainAtIndexZero() throws Exception {
        final Conn c = Conn.stepped();
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        final List<SendWr> chain = List.of(new SendWr.LocalInv(1, true, mr.rkey()),
                new SendWr.LocalInv(2, true, mr.rkey()));
        c.fabric.faults().failNextPosts(c.client, 1, Errno.ENOMEM);
        PostSendException e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(chain));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(0, e.failedIndex());
        c.fabric.faults().failNextPosts(c.client, 2, Errno.EAGAIN);
        for (int i = 0; i < 2; i++) {
            e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(chain));
            assertEquals(Errno.EAGAIN, e.errno());
            assertEquals(0, e.failedIndex());
        }
        assertEquals(0, c.clientQp.outstandingSends(), "nothing was posted");
        c.clientQp.postSend(chain);
        c.settle();
        assertEquals(List.of(1L, 2L), Conn.wrIds(Conn.drain(c.clientSendCq)));
        assertEquals(QpState.RTS, c.clientQp.state(), "a refused post does not break the QP");
        assertThrows(IllegalArgumentException.class, () -> c.fabric.faults().failNextPosts(c.client, 1, Errno.EINVAL));
    }

    @Test
    void injectedAllocFailuresAreEnomem() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice d = f.endpoint("a");
        final SimProtectionDomain pd = d.allocPd();
        f.faults().failNextAllocs(d, 2);
        assertEquals(Errno.ENOMEM, assertThrows(VerbsException.class, () -> pd.allocFastRegMr(1)).errno());
        assertEquals(Errno.ENOMEM, assertThrows(VerbsException.class, () -> pd.allocFastRegMr(1)).errno());
        assertEquals(1, pd.allocFastRegMr(1).index(), "failed allocations take no index");
        assertEquals(1, f.stats().mrsAllocated());
    }

    @Test
    void injectedDeregFailuresAreEbusyAndLeaveTheMrWorking() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, 64);
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, ALL, 1);
        c.fabric.faults().failNextDeregs(c.client, 1);
        assertEquals(Errno.EBUSY, assertThrows(VerbsException.class, () -> c.clientPd.deregMr(mr)).errno());
        assertFalse(mr.isDeregistered());
        c.serverQp.postSend(Conn.read(1, Conn.map(c.server, 64), 64, mem.address(), mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        c.clientPd.deregMr(mr);
        assertTrue(mr.isDeregistered());
    }

    @Test
    void injectedFailuresAreMarkedAndCountedByKindAndARealFullQueueIsNot() throws Exception {
        final Conn c = new Conn(Conn.stepped(1), "client", "server", 2, 2);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        final SimFaults faults = c.fabric.faults();
        faults.failNextPosts(c.client, 1, Errno.ENOMEM);
        assertTrue(assertThrows(PostSendException.class, () -> c.clientQp.postSend(
                new SendWr.LocalInv(1, true, mr.rkey()))).injected());
        faults.failNextAllocs(c.client, 1);
        assertTrue(assertThrows(VerbsException.class, () -> c.clientPd.allocFastRegMr(1)).injected());
        faults.failNextDeregs(c.client, 1);
        assertTrue(assertThrows(VerbsException.class, () -> c.clientPd.deregMr(mr)).injected());

        // Three WRs into a queue of two: the fabric's own refusal, not an injected one.
        final PostSendException full = assertThrows(PostSendException.class, () -> c.clientQp.postSend(List.of(
                new SendWr.LocalInv(2, true, mr.rkey()), new SendWr.LocalInv(3, true, mr.rkey()),
                new SendWr.LocalInv(4, true, mr.rkey()))));
        assertEquals(Errno.ENOMEM, full.errno());
        assertFalse(full.injected());
        assertEquals(1, c.client.sendQueueOverflows());
        assertEquals(0, c.server.sendQueueOverflows());
        assertTrue(faults.breakQp(c.clientQp));

        final SimStats s = c.fabric.stats();
        assertEquals(1, s.injected(SimStats.InjectedFault.POST_FAILURE));
        assertEquals(1, s.injected(SimStats.InjectedFault.ALLOC_FAILURE));
        assertEquals(1, s.injected(SimStats.InjectedFault.DEREG_FAILURE));
        assertEquals(1, s.injected(SimStats.InjectedFault.QP_BREAK));
        assertEquals(0, s.injected(SimStats.InjectedFault.CONNECT_REJECT));
        assertEquals(4, s.injectedTotal());
        assertEquals(1, s.sendQueueFull());
        assertFalse(new VerbsException(Errno.EBUSY, "a real failure").injected());
    }

    @Test
    void breakQpAfterLetsNWrsExecuteThenFlushesTheRest() throws Exception {
        final Conn c = Conn.stepped();
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        c.fabric.faults().breakQpAfter(c.clientQp, 2);
        final List<SendWr> chain = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chain.add(new SendWr.LocalInv(i, true, mr.rkey()));
        }
        c.clientQp.postSend(chain);
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR,
                WcStatus.WR_FLUSH_ERR), Conn.statuses(wcs));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), Conn.wrIds(wcs));
        assertEquals(QpState.ERROR, c.serverQp.state());
        assertTrue(c.serverEvents.get(1) instanceof CmEvent.Disconnected);
    }

    @Test
    void breakQpNowAndByEndpoint() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final Conn a = new Conn(f, "c1", "s1", 4, 4);
        final Conn b = new Conn(f, "c2", "s2", 4, 4);
        assertTrue(f.faults().breakQp(a.clientQp));
        assertFalse(f.faults().breakQp(a.clientQp), "already in ERROR");
        assertEquals(2, f.faults().breakQp(b.client.endpointId()) + f.faults().breakQp(b.server.endpointId()) + 1,
                "c2's QP breaks, which breaks s2's");
        f.runUntilQuiet(100);
        assertEquals(QpState.ERROR, b.serverQp.state());
        assertTrue(a.serverEvents.get(1) instanceof CmEvent.Disconnected);
    }

    @Test
    void breakRandomQpIsSeeded() throws Exception {
        final List<Integer> first = new ArrayList<>();
        final List<Integer> second = new ArrayList<>();
        for (List<Integer> picks : List.of(first, second)) {
            final SimFabric f = Conn.stepped(99);
            assertEquals(Optional.empty(), f.faults().breakRandomQp());
            for (int i = 0; i < 5; i++) {
                new Conn(f, "c" + i, "s" + i, 4, 4);
            }
            for (int i = 0; i < 3; i++) {
                final QueuePair qp = f.faults().breakRandomQp().orElseThrow();
                assertEquals(QpState.ERROR, qp.state());
                picks.add(qp.qpNum());
            }
        }
        assertEquals(first, second);
        assertEquals(3, first.stream().distinct().count(), "a broken QP is not picked again");
    }

    @Test
    void delayedCompletionsArriveLaterInVirtualTime() throws Exception {
        final Conn c = Conn.stepped();
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        c.fabric.faults().delayCompletions(c.client, 5_000);
        c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.rkey()));
        c.fabric.faults().delayCompletions(c.client, 0);
        c.clientQp.postSend(new SendWr.LocalInv(2, true, mr.rkey()));
        c.settle();
        assertEquals(List.of(1L, 2L), Conn.wrIds(Conn.drain(c.clientSendCq)), "per-QP order is kept");
        assertEquals(5_000, c.fabric.nowNanos());
    }

    @Test
    void delayedCompletionsInFreeModeGoThroughTheTimerThread() throws Exception {
        try (SimFabric f = SimFabric.builder().build()) {
            final Conn c = new Conn(f);
            final SimMr mr = c.clientPd.allocFastRegMr(1);
            f.faults().delayCompletions(c.client, 20_000_000);
            final long start = System.nanoTime();
            c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.rkey()));
            assertEquals(0, c.clientSendCq.size());
            final List<WorkCompletion> wcs = new ArrayList<>();
            Conn.waitFor(() -> {
                wcs.addAll(Conn.drain(c.clientSendCq));
                return !wcs.isEmpty();
            });
            assertTrue(System.nanoTime() - start >= 20_000_000);
        }
    }
}
