package io.frwr.bench;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A free-running simulated fabric with a requester endpoint ("client") and a bare responder ("server") that
 * accepts every connection; the responder's newest QP is what {@link PeerWriter} uses to move data.
 */
public final class SimPair implements AutoCloseable {
    public static final String SERVER = "server";
    /** Send WRs of the responder's QP: it only ever has one RDMA WRITE outstanding. */
    private static final int SERVER_SQ_DEPTH = 64;

    /** The responder's side of one connection. */
    public record ServerQp(QueuePair qp, CompletionQueue sendCq) { }

    private final SimFabric fabric;
    private final SimDevice client;
    private final SimDevice server;
    private final ProtectionDomain serverPd;
    private final ConnectionManager.Listener listener;
    private final AtomicReference<ServerQp> current = new AtomicReference<>();

    public SimPair(SimCosts costs) throws VerbsException {
        this.fabric = SimFabric.builder().mode(SimMode.FREE).costs(costs).seed(1L).build();
        this.client = fabric.endpoint("client");
        this.server = fabric.endpoint(SERVER);
        this.serverPd = server.allocPd();
        this.listener = server.connectionManager().listen(SERVER, req -> {
            try {
                final CompletionQueue sendCq = server.createCq(SERVER_SQ_DEPTH);
                final CompletionQueue recvCq = server.createCq(16);
                final QueuePair qp = req.accept(new ConnectParams(serverPd, sendCq, recvCq, SERVER_SQ_DEPTH, 16,
                        null, Duration.ofSeconds(5)), ev -> { });
                current.set(new ServerQp(qp, sendCq));
            } catch (VerbsException e) {
                req.reject(new byte[0]);
                throw new IllegalStateException("the bench responder could not accept: " + e.getMessage(), e);
            }
        });
    }

    public SimFabric fabric() {
        return fabric;
    }

    public SimDevice client() {
        return client;
    }

    public SimDevice server() {
        return server;
    }

    /** The responder's newest QP, or null before the first connection. */
    public ServerQp serverQp() {
        return current.get();
    }

    @Override
    public void close() {
        listener.close();
        fabric.close();
    }
}
