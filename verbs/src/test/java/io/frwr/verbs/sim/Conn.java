package io.frwr.verbs.sim;

import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PageList;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RKey;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test harness: two endpoints of one fabric, connected by one RC QP pair, with separate send/recv CQs. */
final class Conn {
    static final int ALL = Access.LOCAL_WRITE | Access.REMOTE_READ | Access.REMOTE_WRITE;

    final SimFabric fabric;
    final SimDevice client;
    final SimDevice server;
    final SimProtectionDomain clientPd;
    final SimProtectionDomain serverPd;
    final SimCompletionQueue clientSendCq;
    final SimCompletionQueue clientRecvCq;
    final SimCompletionQueue serverSendCq;
    final SimCompletionQueue serverRecvCq;
    final SimQueuePair clientQp;
    final SimQueuePair serverQp;
    final ConnectionManager.Listener listener;
    final List<CmEvent> clientEvents = new CopyOnWriteArrayList<>();
    final List<CmEvent> serverEvents = new CopyOnWriteArrayList<>();

    static SimFabric stepped(long seed) {
        return SimFabric.builder().seed(seed).mode(SimMode.STEPPED).trace(true).build();
    }

    static Conn stepped() throws Exception {
        return new Conn(stepped(42L), "client", "server", 16, 16);
    }

    Conn(SimFabric fabric) throws Exception {
        this(fabric, "client", "server", 16, 16);
    }

    Conn(SimFabric fabric, String clientName, String serverName, int sqDepth, int rqDepth) throws Exception {
        this.fabric = fabric;
        client = fabric.endpoint(clientName);
        server = fabric.endpoint(serverName);
        clientPd = client.allocPd();
        serverPd = server.allocPd();
        clientSendCq = client.createCq(1024);
        clientRecvCq = client.createCq(1024);
        serverSendCq = server.createCq(1024);
        serverRecvCq = server.createCq(1024);
        final ConnectParams sp = new ConnectParams(serverPd, serverSendCq, serverRecvCq, sqDepth, rqDepth,
                "from-server".getBytes(), null);
        final AtomicReference<QueuePair> accepted = new AtomicReference<>();
        listener = server.connectionManager().listen(serverName, req -> {
            try {
                accepted.set(req.accept(sp, serverEvents::add));
            } catch (VerbsException e) {
                throw new AssertionError(e);
            }
        });
        client.connectionManager().connect(serverName, new ConnectParams(clientPd, clientSendCq, clientRecvCq,
                sqDepth, rqDepth, "from-client".getBytes(), null), clientEvents::add);
        settleUntil(() -> !clientEvents.isEmpty() && !serverEvents.isEmpty());
        final CmEvent e = clientEvents.get(0);
        assertTrue(e instanceof CmEvent.Established, "client got " + e);
        clientQp = (SimQueuePair) ((CmEvent.Established) e).qp();
        serverQp = (SimQueuePair) accepted.get();
        assertEquals(serverQp, ((CmEvent.Established) serverEvents.get(0)).qp());
    }

    /** STEPPED: run every pending event. FREE: wait until the fabric has nothing pending. */
    void settle() {
        if (fabric.mode() == SimMode.STEPPED) {
            fabric.runUntilQuiet(1_000_000);
        } else {
            waitFor(() -> fabric.pendingEvents() == 0);
        }
    }

    void settleUntil(BooleanSupplier done) {
        if (fabric.mode() == SimMode.STEPPED) {
            fabric.runUntilQuiet(1_000_000);
            assertTrue(done.getAsBoolean(), "condition not reached after running every event");
        } else {
            waitFor(done);
        }
    }

    static void waitFor(BooleanSupplier done) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static DmaBuffer map(SimDevice dev, int size) throws VerbsException {
        return dev.mapBuffer(ByteBuffer.allocateDirect(size));
    }

    static DmaBuffer map(SimDevice dev, byte[] content) throws VerbsException {
        final DmaBuffer b = map(dev, content.length);
        b.buffer().put(0, content);
        return b;
    }

    static byte[] bytes(DmaBuffer b, int off, int len) {
        final byte[] out = new byte[len];
        b.buffer().get(off, out);
        return out;
    }

    static byte[] pattern(int len, int seed) {
        final byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    static List<WorkCompletion> drain(CompletionQueue cq) {
        final List<WorkCompletion> out = new ArrayList<>();
        cq.poll(out, Integer.MAX_VALUE);
        return out;
    }

    static List<WcStatus> statuses(List<WorkCompletion> wcs) {
        return wcs.stream().map(WorkCompletion::status).toList();
    }

    static List<Long> wrIds(List<WorkCompletion> wcs) {
        return wcs.stream().map(WorkCompletion::wrId).toList();
    }

    static PageList pages(DmaBuffer b, int off, int len) {
        return PageList.of(4096, false, new long[] {b.address() + off}, new int[] {len});
    }

    static List<Segment> sgl(DmaBuffer b, int off, int len) {
        return List.of(b.segment(off, len));
    }

    static SendWr.FastReg fastReg(long wrId, SimMr mr, PageList pl, int access) {
        return new SendWr.FastReg(wrId, true, mr, pl, mr.rkey(), access);
    }

    /**
     * Allocates an MR on {@code qp}'s side, sets key byte {@code keyByte}, fast-registers [off, off+len) of
     * {@code buf} with {@code access}, runs the fabric and checks the FAST_REG's completion.
     */
    SimMr register(SimQueuePair qp, DmaBuffer buf, int off, int len, int access, int keyByte) throws Exception {
        final SimMr mr = qp.pd().allocFastRegMr(16);
        mr.updateKey(keyByte);
        qp.postSend(fastReg(9_000 + mr.index(), mr, pages(buf, off, len), access));
        settle();
        final List<WorkCompletion> wcs = drain(qp.sendCq());
        assertEquals(1, wcs.size(), "FAST_REG completions: " + wcs);
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status(), "FAST_REG: " + wcs);
        assertEquals(Opcode.FAST_REG, wcs.get(0).opcode());
        assertEquals(RKey.of(mr.index(), keyByte), mr.installedRkey());
        return mr;
    }

    void postRecv(SimQueuePair qp, long wrId, DmaBuffer buf, int off, int len) throws VerbsException {
        qp.postRecv(new RecvWr(wrId, buf.segment(off, len)));
    }

    static SendWr.RdmaRead read(long wrId, DmaBuffer sink, int len, long remoteAddr, int rkey) {
        return new SendWr.RdmaRead(wrId, true, sgl(sink, 0, len), remoteAddr, rkey);
    }

    static SendWr.RdmaWrite write(long wrId, boolean signaled, DmaBuffer src, int len, long remoteAddr, int rkey) {
        return new SendWr.RdmaWrite(wrId, signaled, sgl(src, 0, len), remoteAddr, rkey);
    }

    static SendWr.Send send(long wrId, boolean signaled, DmaBuffer src, int len) {
        return new SendWr.Send(wrId, signaled, sgl(src, 0, len));
    }
}
