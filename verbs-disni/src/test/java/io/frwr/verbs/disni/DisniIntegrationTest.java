package io.frwr.verbs.disni;

import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.PageList;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The simulated fabric's scenarios against a real device (Soft-RoCE, SoftiWARP or a NIC), over loopback on
 * one device. Skipped, with the provider check's reason, wherever the device or libdisni is missing.
 * Choose the device with -Dfrwr.disni.device=rxe0 (default: the first one found) and the port with
 * -Dfrwr.disni.port (default 20886).
 */
class DisniIntegrationTest {
    private static final long HANG_GUARD_SECONDS = 20;
    private static final AtomicInteger PORT = new AtomicInteger(Integer.getInteger("frwr.disni.port", 20886));
    private static ProviderCheck check;

    private RdmaDevice device;
    private ProtectionDomain pd;
    private CompletionQueue cq;

    /** Both ends of one loopback connection. */
    private record Link(QueuePair client, QueuePair server, LinkedBlockingQueue<CmEvent> clientEvents,
                        LinkedBlockingQueue<CmEvent> serverEvents, ConnectionManager.Listener listener) {
    }

    @BeforeAll
    static void checkOnce() {
        check = DisniProvider.check();
    }

    /** Per test, so that each one is reported as skipped with the reason. */
    @BeforeEach
    void open() throws Exception {
        assumeTrue(check.ok(), check.message());
        final String name = System.getProperty("frwr.disni.device", check.devices().get(0));
        device = DisniProvider.open(name, DisniOptions.defaults());
        pd = device.allocPd();
        cq = device.createCq(256);
    }

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void registeredChunkIsWrittenAndReadByThePeer() throws Exception {
        final Link link = connect();
        final DmaBuffer chunk = device.mapBuffer(ByteBuffer.allocateDirect(8192));
        final FastRegMr mr = register(link.client(), chunk, 1);

        final byte[] data = pattern(4096, 7);
        final DmaBuffer src = device.mapBuffer(ByteBuffer.allocateDirect(4096));
        src.buffer().duplicate().put(data);
        link.server().postSend(new SendWr.RdmaWrite(2, true, List.of(src.segment(0, 4096)), chunk.address(),
                mr.rkey()));
        assertEquals(WcStatus.SUCCESS, await(2).status());
        final byte[] landed = new byte[4096];
        chunk.buffer().duplicate().get(landed);
        assertArrayEquals(data, landed, "RDMA WRITE must land in the registered chunk");

        final DmaBuffer dst = device.mapBuffer(ByteBuffer.allocateDirect(4096));
        link.server().postSend(new SendWr.RdmaRead(3, true, List.of(dst.segment(0, 4096)), chunk.address(),
                mr.rkey()));
        final WorkCompletion read = await(3);
        assertEquals(WcStatus.SUCCESS, read.status());
        final byte[] back = new byte[4096];
        dst.buffer().duplicate().get(back);
        assertArrayEquals(data, back, "RDMA READ must return what was written");
    }

    @Test
    void invalidatedRkeyIsRefused() throws Exception {
        final Link link = connect();
        final DmaBuffer chunk = device.mapBuffer(ByteBuffer.allocateDirect(4096));
        final FastRegMr mr = register(link.client(), chunk, 1);
        final int oldRkey = mr.rkey();
        link.client().postSend(new SendWr.LocalInv(4, true, oldRkey));
        assertEquals(WcStatus.SUCCESS, await(4).status());

        final DmaBuffer src = device.mapBuffer(ByteBuffer.allocateDirect(4096));
        src.buffer().duplicate().put(pattern(4096, 3));
        link.server().postSend(new SendWr.RdmaWrite(5, true, List.of(src.segment(0, 4096)), chunk.address(),
                oldRkey));
        final WorkCompletion wc = await(5);
        assertNotEquals(WcStatus.SUCCESS, wc.status(), "an invalidated rkey must never reach memory");
        final byte[] after = new byte[4096];
        chunk.buffer().duplicate().get(after);
        assertArrayEquals(new byte[4096], after, "the chunk must be untouched");
    }

    @Test
    void qpErrorFlushesAndANewConnectionWorks() throws Exception {
        final Link first = connect();
        final DmaBuffer rbuf = device.mapBuffer(ByteBuffer.allocateDirect(256));
        first.server().postRecv(new RecvWr(10, rbuf.segment(0, 256)));
        first.client().moveToError();
        assertEquals(WcStatus.WR_FLUSH_ERR, await(10).status(), "the peer's outstanding RECV must flush");
        assertInstanceOf(CmEvent.Disconnected.class, nextEvent(first.serverEvents()));
        first.listener().close();

        final Link second = connect();
        second.server().postRecv(new RecvWr(11, rbuf.segment(0, 256)));
        final DmaBuffer sbuf = device.mapBuffer(ByteBuffer.allocateDirect(256));
        sbuf.buffer().duplicate().put(pattern(256, 9));
        second.client().postSend(new SendWr.Send(12, true, List.of(sbuf.segment(0, 256))));
        assertEquals(WcStatus.SUCCESS, await(12).status());
        final WorkCompletion recv = await(11);
        assertEquals(WcStatus.SUCCESS, recv.status());
        assertEquals(256, recv.byteLen());
    }

    private FastRegMr register(QueuePair qp, DmaBuffer chunk, long wrId) throws Exception {
        final FastRegMr mr = pd.allocFastRegMr(device.attributes().maxFastRegPageListLen());
        final PageList pages = PageList.of(device.attributes().pageSize(), false, new long[]{chunk.address()},
                new int[]{chunk.length()});
        qp.postSend(new SendWr.FastReg(wrId, true, mr, pages, mr.rkey(), Access.REMOTE_READ | Access.REMOTE_WRITE
                | Access.LOCAL_WRITE));
        assertEquals(WcStatus.SUCCESS, await(wrId).status());
        return mr;
    }

    private Link connect() throws Exception {
        final String ip = DisniProvider.bindAddress(System.getProperty("frwr.disni.device",
                check.devices().get(0))).getHostAddress();
        final String address = ip + ":" + PORT.getAndIncrement();
        final LinkedBlockingQueue<CmEvent> serverEvents = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<CmEvent> clientEvents = new LinkedBlockingQueue<>();
        final CompletableFuture<QueuePair> server = new CompletableFuture<>();
        final ConnectionManager.Listener listener = device.connectionManager().listen(address, req -> {
            try {
                server.complete(req.accept(params(), serverEvents::add));
            } catch (Exception e) {
                server.completeExceptionally(e);
            }
        });
        device.connectionManager().connect(address, params(), clientEvents::add);
        final CmEvent established = nextEvent(clientEvents);
        assertInstanceOf(CmEvent.Established.class, established, String.valueOf(established));
        assertInstanceOf(CmEvent.Established.class, nextEvent(serverEvents));
        return new Link(((CmEvent.Established) established).qp(), server.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS),
                clientEvents, serverEvents, listener);
    }

    private ConnectParams params() {
        return new ConnectParams(pd, cq, cq, 64, 64, new byte[0], Duration.ofSeconds(10));
    }

    private static CmEvent nextEvent(LinkedBlockingQueue<CmEvent> events) throws InterruptedException {
        final CmEvent e = events.poll(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertNotNull(e, "no CM event within the hang guard");
        return e;
    }

    /** Poll the shared CQ until the completion of {@code wrId} arrives; others are kept for later calls. */
    private final List<WorkCompletion> seen = new ArrayList<>();

    private WorkCompletion await(long wrId) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            cq.poll(seen, 16);
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i).wrId() == wrId) {
                    return seen.remove(i);
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no completion for wr_id " + wrId + " within the hang guard; saw " + seen);
    }

    private static byte[] pattern(int n, int seed) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void theCheckExplainsItself() {
        assertTrue(check.ok());
        assertTrue(check.message().contains(check.devices().get(0)));
    }
}
