package io.frwr.rpc.server;

import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
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

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A requester written with raw verbs, as a test needs it: one connection, one receive buffer at a time,
 * FAST_REG'd chunks, blocking waits bounded only as a hang guard.
 */
final class RawVerbsRequester implements AutoCloseable {
    static final int RECV_SIZE = 256 * 1024;
    /** Calls {@link #burst} can have outstanding at once, each with a small receive slot of its own. */
    static final int BURST_SLOTS = 64;
    private static final int BURST_SLOT_SIZE = 8192;
    private static final long HANG_GUARD_SECONDS = 30;

    private final RdmaDevice device;
    private final ProtectionDomain pd;
    private final CompletionQueue sendCq;
    private final CompletionQueue recvCq;
    private final DmaBuffer recvBuffer;
    private final DmaBuffer sendBuffer;
    private final Semaphore notified = new Semaphore(0);
    private final CompletableFuture<CmEvent> established = new CompletableFuture<>();
    final CompletableFuture<CmEvent> disconnected = new CompletableFuture<>();
    private final List<DmaBuffer> mapped = new ArrayList<>();
    private final QueuePair qp;
    final CmPrivateMessage serverPrivate;
    private long nextWrId = 100;
    private int nextKey = 1;

    RawVerbsRequester(RdmaDevice device, String serverAddress, boolean offerRemoteInvalidation) throws Exception {
        this.device = device;
        this.pd = device.allocPd();
        this.sendCq = device.createCq(BURST_SLOTS + 64);
        this.recvCq = device.createCq(BURST_SLOTS + 8);
        sendCq.setNotificationHandler(notified::release);
        recvCq.setNotificationHandler(notified::release);
        this.recvBuffer = map(RECV_SIZE);
        this.sendBuffer = map(RECV_SIZE);
        final byte[] pd8797 = CmPrivateMessage.of(offerRemoteInvalidation, RECV_SIZE, RECV_SIZE).encode();
        device.connectionManager().connect(serverAddress, new ConnectParams(pd, sendCq, recvCq, BURST_SLOTS + 64, BURST_SLOTS + 8, pd8797,
                Duration.ofSeconds(HANG_GUARD_SECONDS)), ev -> {
            if (ev instanceof CmEvent.Disconnected) {
                disconnected.complete(ev);
            } else {
                established.complete(ev);
            }
        });
        final CmEvent ev = established.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        if (!(ev instanceof CmEvent.Established e)) {
            throw new IllegalStateException("connect failed: " + ev);
        }
        this.qp = e.qp();
        this.serverPrivate = CmPrivateMessage.decode(e.privateData()).orElse(null);
        qp.postRecv(new RecvWr(1, recvBuffer.segment(0, RECV_SIZE)));
    }

    DmaBuffer map(int bytes) throws Exception {
        final DmaBuffer b = device.mapBuffer(ByteBuffer.allocateDirect(bytes));
        mapped.add(b);
        return b;
    }

    /** A registered chunk: the MR, the rkey FAST_REG installed, and the iova a peer addresses. */
    record Registered(FastRegMr mr, int rkey, long iova, int length) {
    }

    /** FAST_REG {@code length} bytes of {@code buffer}, signaled so a failure shows, and wait for it. */
    Registered register(DmaBuffer buffer, int length, int access) throws Exception {
        final int pageSize = device.attributes().pageSize();
        final FastRegMr mr = pd.allocFastRegMr(length / pageSize + 2);
        return reregister(mr, buffer, length, access);
    }

    Registered reregister(FastRegMr mr, DmaBuffer buffer, int length, int access) throws Exception {
        mr.updateKey(nextKey++);
        final PageList pages = PageList.of(device.attributes().pageSize(), false, new long[] {buffer.address()},
                new int[] {length});
        final long id = nextWrId++;
        qp.postSend(new SendWr.FastReg(id, true, mr, pages, mr.rkey(), access | Access.LOCAL_WRITE));
        final WorkCompletion wc = awaitSend(id);
        if (wc.status() != WcStatus.SUCCESS) {
            throw new IllegalStateException("FAST_REG failed: " + wc);
        }
        return new Registered(mr, mr.rkey(), pages.iova(), length);
    }

    /** SEND the bytes and wait for the RECV that answers; the receive is re-posted before returning. */
    Received call(byte[] message) throws Exception {
        sendBuffer.buffer().put(0, message);
        final long id = nextWrId++;
        qp.postSend(new SendWr.Send(id, true, List.of(sendBuffer.segment(0, message.length))));
        final WorkCompletion sent = awaitSend(id);
        if (sent.status() != WcStatus.SUCCESS) {
            throw new IllegalStateException("SEND failed: " + sent);
        }
        final WorkCompletion wc = await(recvCq, -1);
        if (wc.status() != WcStatus.SUCCESS) {
            throw new IllegalStateException("RECV failed: " + wc);
        }
        final byte[] reply = new byte[wc.byteLen()];
        recvBuffer.buffer().get(0, reply);
        qp.postRecv(new RecvWr(1, recvBuffer.segment(0, RECV_SIZE)));
        return new Received(reply, wc);
    }

    /**
     * SEND every message back to back without waiting, then collect as many replies (in arrival order).
     * Each message must fit {@value #BURST_SLOT_SIZE} bytes; replies land in slots of that size.
     */
    List<Received> burst(List<byte[]> messages) throws Exception {
        if (messages.size() > BURST_SLOTS) {
            throw new IllegalArgumentException("a burst is at most " + BURST_SLOTS + " calls, was " + messages.size());
        }
        final DmaBuffer recv = map(BURST_SLOTS * BURST_SLOT_SIZE);
        final DmaBuffer send = map(BURST_SLOTS * BURST_SLOT_SIZE);
        for (int i = 0; i < messages.size(); i++) {
            qp.postRecv(new RecvWr(1000 + i, recv.segment(i * BURST_SLOT_SIZE, BURST_SLOT_SIZE)));
        }
        final List<SendWr> chain = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            send.buffer().put(i * BURST_SLOT_SIZE, messages.get(i));
            chain.add(new SendWr.Send(nextWrId++, true, List.of(send.segment(i * BURST_SLOT_SIZE,
                    messages.get(i).length))));
        }
        qp.postSend(chain);
        final List<Received> out = new ArrayList<>();
        // The receive posted at connect is first in the queue: it takes the first reply.
        final List<WorkCompletion> arrived = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (arrived.size() < messages.size()) {
            // Poll, arm, poll again; keep every completion (await() keeps only the one it looks for).
            if (recvCq.poll(arrived, 16) > 0) {
                continue;
            }
            recvCq.requestNotify();
            if (recvCq.poll(arrived, 16) == 0) {
                notified.tryAcquire(1, TimeUnit.SECONDS);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(arrived.size() + " of " + messages.size()
                        + " replies within the hang guard");
            }
        }
        for (WorkCompletion wc : arrived) {
            if (wc.status() != WcStatus.SUCCESS) {
                throw new IllegalStateException("RECV failed: " + wc);
            }
            final byte[] reply = new byte[wc.byteLen()];
            if (wc.wrId() == 1) {
                recvBuffer.buffer().get(0, reply);
                qp.postRecv(new RecvWr(1, recvBuffer.segment(0, RECV_SIZE)));
            } else {
                recv.buffer().get((int) (wc.wrId() - 1000) * BURST_SLOT_SIZE, reply);
            }
            out.add(new Received(reply, wc));
        }
        return out;
    }

    record Received(byte[] bytes, WorkCompletion completion) {
        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }
    }

    private WorkCompletion awaitSend(long wrId) throws Exception {
        return await(sendCq, wrId);
    }

    /** Poll, arm, poll again, then wait for the notification; {@code wrId} -1 takes any completion. */
    private WorkCompletion await(CompletionQueue cq, long wrId) throws Exception {
        final List<WorkCompletion> got = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
        while (System.nanoTime() < deadline) {
            got.clear();
            cq.poll(got, 16);
            for (WorkCompletion wc : got) {
                if (wrId < 0 || wc.wrId() == wrId) {
                    return wc;
                }
            }
            if (!got.isEmpty()) {
                continue;
            }
            cq.requestNotify();
            cq.poll(got, 16);
            for (WorkCompletion wc : got) {
                if (wrId < 0 || wc.wrId() == wrId) {
                    return wc;
                }
            }
            if (got.isEmpty()) {
                notified.tryAcquire(1, TimeUnit.SECONDS);
            }
        }
        throw new IllegalStateException("no completion within the hang guard");
    }

    void disconnect() {
        qp.disconnect();
    }

    @Override
    public void close() {
        qp.disconnect();
        mapped.forEach(device::unmapBuffer);
    }
}
