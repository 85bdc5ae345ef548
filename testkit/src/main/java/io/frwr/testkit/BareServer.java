package io.frwr.testkit;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The peer of a transport-only test: accepts every connection and posts receives, and otherwise leaves
 * the QP to the test ({@link Peer} drives it: an RDMA WRITE into a registered chunk, a SEND_WITH_INV).
 */
final class BareServer implements AutoCloseable {
    static final int RECEIVES = 32;
    static final int SLOT = 4096;

    /** One accepted connection: its QP, its CQs and the memory its receives land in. */
    record Accepted(QueuePair qp, CompletionQueue sendCq, CompletionQueue recvCq, DmaBuffer recvMemory) { }

    private final SimDevice device;
    private final ProtectionDomain pd;
    private final ConnectionManager.Listener listener;
    private final List<Accepted> accepted = new CopyOnWriteArrayList<>();

    BareServer(SimDevice device, String address) throws VerbsException {
        this.device = device;
        this.pd = device.allocPd();
        this.listener = device.connectionManager().listen(address, req -> {
            try {
                final CompletionQueue scq = device.createCq(1024);
                final CompletionQueue rcq = device.createCq(1024);
                final DmaBuffer recv = device.mapBuffer(ByteBuffer.allocateDirect(RECEIVES * SLOT));
                final QueuePair qp = req.accept(new ConnectParams(pd, scq, rcq, 256, RECEIVES, null,
                        Duration.ofSeconds(5)), ev -> { });
                for (int i = 0; i < RECEIVES; i++) {
                    qp.postRecv(new RecvWr(i, recv.segment(i * SLOT, SLOT)));
                }
                accepted.add(new Accepted(qp, scq, rcq, recv));
            } catch (VerbsException e) {
                req.reject(new byte[0]);
            }
        });
    }

    ProtectionDomain pd() {
        return pd;
    }

    SimDevice device() {
        return device;
    }

    List<QueuePair> queuePairs() {
        return accepted.stream().map(Accepted::qp).toList();
    }

    List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    @Override
    public void close() {
        listener.close();
    }
}
