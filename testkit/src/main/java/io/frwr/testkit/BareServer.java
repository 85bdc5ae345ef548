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
 * the QP to the test (raw verbs, e.g. an RDMA WRITE into a registered chunk).
 */
final class BareServer implements AutoCloseable {
    private static final int RECEIVES = 32;
    private static final int SLOT = 4096;

    private final SimDevice device;
    private final ProtectionDomain pd;
    private final ConnectionManager.Listener listener;
    private final List<QueuePair> qps = new CopyOnWriteArrayList<>();

    BareServer(SimDevice device, String address) throws VerbsException {
        this.device = device;
        this.pd = device.allocPd();
        this.listener = device.connectionManager().listen(address, req -> {
            try {
                final CompletionQueue cq = device.createCq(1024);
                final DmaBuffer recv = device.mapBuffer(ByteBuffer.allocateDirect(RECEIVES * SLOT));
                final QueuePair qp = req.accept(new ConnectParams(pd, cq, cq, 256, RECEIVES, null,
                        Duration.ofSeconds(5)), ev -> { });
                for (int i = 0; i < RECEIVES; i++) {
                    qp.postRecv(new RecvWr(i, recv.segment(i * SLOT, SLOT)));
                }
                qps.add(qp);
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
        return List.copyOf(qps);
    }

    @Override
    public void close() {
        listener.close();
    }
}
