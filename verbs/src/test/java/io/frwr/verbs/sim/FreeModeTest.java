package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeModeTest {

    /** Register, WRITE, READ back, SEND; returns what the client's memory, the READ sink and the RECV hold. */
    private static List<Object> exchange(SimFabric fabric) throws Exception {
        try (fabric) {
            final Conn c = new Conn(fabric);
            final DmaBuffer mem = Conn.map(c.client, 4096);
            final SimMr mr = c.register(c.clientQp, mem, 0, 4096, ALL, 1);
            final DmaBuffer recv = Conn.map(c.client, 256);
            c.postRecv(c.clientQp, 1, recv, 0, 256);
            final DmaBuffer src = Conn.map(c.server, Conn.pattern(300, 11));
            final DmaBuffer sink = Conn.map(c.server, 300);
            c.serverQp.postSend(List.of(Conn.write(2, false, src, 300, mem.address() + 7, mr.rkey()),
                    Conn.read(3, sink, 300, mem.address() + 7, mr.rkey()),
                    new SendWr.SendWithInv(4, true, Conn.sgl(src, 0, 100), mr.rkey())));
            final List<WorkCompletion> sendWcs = new ArrayList<>();
            c.settleUntil(() -> {
                sendWcs.addAll(Conn.drain(c.serverSendCq));
                return sendWcs.size() == 2;
            });
            final List<WorkCompletion> recvWcs = Conn.drain(c.clientRecvCq);
            return List.of(Conn.statuses(sendWcs), Conn.wrIds(sendWcs), recvWcs.get(0).withInvalidate(),
                    recvWcs.get(0).byteLen(), new String(Conn.bytes(mem, 0, 400), java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(Conn.bytes(sink, 0, 300), java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(Conn.bytes(recv, 0, 100), java.nio.charset.StandardCharsets.ISO_8859_1),
                    mr.isValid());
        }
    }

    @Test
    void freeModeDeliversTheSameDataAsSteppedMode() throws Exception {
        final List<Object> stepped = exchange(Conn.stepped(7));
        final List<Object> free = exchange(SimFabric.builder().seed(7).build());
        final List<Object> freeWithLatency = exchange(SimFabric.builder().seed(7)
                .costs(new SimCosts(0, 0, 20_000, 0.5, 50_000)).build());
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), stepped.get(0));
        assertEquals(false, stepped.get(7), "SEND_WITH_INV invalidated the MR");
        assertEquals(stepped, free);
        assertEquals(stepped, freeWithLatency);
    }

    @Test
    void withZeroCostsAWrExecutesOnThePostingThread() throws Exception {
        try (SimFabric fabric = SimFabric.builder().build()) {
            final Conn c = new Conn(fabric);
            final List<Thread> notified = new CopyOnWriteArrayList<>();
            c.clientSendCq.setNotificationHandler(() -> notified.add(Thread.currentThread()));
            c.clientSendCq.requestNotify();
            final SimMr mr = c.clientPd.allocFastRegMr(1);
            c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.rkey()));
            // no waiting: the completion is there when postSend returns
            assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
            assertEquals(List.of(Thread.currentThread()), notified);
            assertThrows(IllegalStateException.class, fabric::step, "step() is for STEPPED mode");
        }
    }

    @Test
    void withLatencyTheTimerThreadCompletesInPerQpOrderAfterTheLatency() throws Exception {
        final long latency = 2_000_000; // 2 ms one way
        try (SimFabric fabric = SimFabric.builder().costs(new SimCosts(0, 0, 0, 0, latency)).build()) {
            final Conn c = new Conn(fabric);
            final DmaBuffer mem = Conn.map(c.client, 4096);
            final SimMr mr = c.register(c.clientQp, mem, 0, 4096, ALL, 1);
            final List<Thread> notified = new CopyOnWriteArrayList<>();
            c.serverSendCq.setNotificationHandler(() -> notified.add(Thread.currentThread()));
            c.serverSendCq.requestNotify();
            final DmaBuffer src = Conn.map(c.server, Conn.pattern(64, 1));
            final long start = System.nanoTime();
            final List<SendWr> chain = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                chain.add(i % 2 == 0 ? Conn.write(i, true, src, 64, mem.address() + 64L * i, mr.rkey())
                        : Conn.read(i, Conn.map(c.server, 64), 64, mem.address(), mr.rkey()));
            }
            c.serverQp.postSend(chain);
            assertEquals(0, c.serverSendCq.size(), "nothing completes before its due time");
            final List<WorkCompletion> wcs = new ArrayList<>();
            Conn.waitFor(() -> {
                wcs.addAll(Conn.drain(c.serverSendCq));
                return wcs.size() == 10;
            });
            assertTrue(System.nanoTime() - start >= 2 * latency, "a READ takes a round trip");
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), Conn.wrIds(wcs));
            assertTrue(wcs.stream().allMatch(w -> w.status() == WcStatus.SUCCESS));
            assertEquals(1, notified.size());
            assertTrue(notified.get(0).getName().startsWith("sim-fabric"), notified.get(0).getName());
        }
    }

    @Test
    void mrAllocationsAndDeregistrationsOfParallelCallersOverlap() throws Exception {
        final long cost = 40_000_000; // 40 ms
        try (SimFabric fabric = SimFabric.builder().costs(new SimCosts(cost, cost, 0, 0, 0)).build()) {
            final SimProtectionDomain pd = fabric.endpoint("a").allocPd();
            final int threads = 4;
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                final CountDownLatch go = new CountDownLatch(1);
                final List<Future<SimMr>> allocs = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    allocs.add(pool.submit(() -> {
                        go.await();
                        return pd.allocFastRegMr(1);
                    }));
                }
                final long start = System.nanoTime();
                go.countDown();
                final List<SimMr> mrs = new ArrayList<>();
                for (Future<SimMr> f : allocs) {
                    mrs.add(f.get(10, TimeUnit.SECONDS));
                }
                final long elapsed = System.nanoTime() - start;
                assertTrue(elapsed >= cost, "each call blocks for the cost");
                final SimStats s = fabric.stats();
                assertTrue(s.maxConcurrentMrOps() >= 2, "parallel callers overlap: " + s.maxConcurrentMrOps());
                assertEquals(0, s.currentMrOps());
                assertEquals(threads, s.mrsLive());
                final List<Future<?>> deregs = new ArrayList<>();
                for (SimMr mr : mrs) {
                    deregs.add(pool.submit(() -> {
                        pd.deregMr(mr);
                        return null;
                    }));
                }
                for (Future<?> f : deregs) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertEquals(0, fabric.stats().mrsLive());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void concurrentPostersOnManyQpsKeepEveryRule() throws Exception {
        try (SimFabric fabric = SimFabric.builder().seed(5).build()) {
            final int n = 4;
            final List<Conn> conns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                conns.add(new Conn(fabric, "c" + i, "s" + i, 64, 64));
            }
            final ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                final List<Future<Integer>> results = new ArrayList<>();
                for (Conn c : conns) {
                    results.add(pool.submit(() -> {
                        final DmaBuffer mem = Conn.map(c.client, 4096);
                        final DmaBuffer src = Conn.map(c.server, Conn.pattern(64, 3));
                        int ok = 0;
                        final SimMr mr = c.clientPd.allocFastRegMr(1);
                        for (int round = 0; round < 200; round++) {
                            mr.updateKey(round + 1);
                            c.clientQp.postSend(Conn.fastReg(round, mr, Conn.pages(mem, 0, 4096), ALL));
                            c.serverQp.postSend(Conn.write(round, true, src, 64, mem.address(), mr.rkey()));
                            c.clientQp.postSend(new SendWr.LocalInv(round, true, mr.rkey()));
                            for (WorkCompletion w : Conn.drain(c.serverSendCq)) {
                                ok += w.status() == WcStatus.SUCCESS ? 1 : 0;
                            }
                            Conn.drain(c.clientSendCq);
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : results) {
                    assertEquals(200, f.get(20, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            final SimStats s = fabric.stats();
            assertEquals(n * 200, s.executed(Opcode.RDMA_WRITE));
            assertEquals(0, s.remoteAccessDeniedTotal());
            assertEquals(0, s.staleRkeyAccessSucceeded());
        }
    }
}
