package io.frwr.verbs.disni;

import com.ibm.disni.util.MemoryUtils;
import com.ibm.disni.verbs.RdmaCm;
import com.ibm.disni.verbs.RdmaCmEvent;
import com.ibm.disni.verbs.RdmaCmId;
import com.ibm.disni.verbs.RdmaConnParam;
import com.ibm.disni.verbs.RdmaEventChannel;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.Errno;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.VerbsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * RDMA-CM over DiSNI: one event channel per device and one "disni-cm" thread that waits on it.
 *
 * <p>Active side: resolve address, resolve route, create the QP, connect, ESTABLISHED. Passive side:
 * CONNECT_REQUEST goes to the listener's handler, accept creates the QP, ESTABLISHED. Every attempt has
 * a deadline (the ConnectParams timeout) checked after each wait, so an error event, a reject, a lost
 * reply or a silent peer all end the attempt with one CmEvent, never a hang. After DISCONNECTED the QP
 * is destroyed once its outstanding WRs have all flushed.
 */
final class DisniConnectionManager implements ConnectionManager, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DisniConnectionManager.class);
    private static final int BACKLOG = 128;

    private final DisniDevice device;
    private final DisniOptions options;
    private final RdmaEventChannel channel;
    private final Thread thread;
    // RdmaCmId does not override equals: DiSNI returns the same object for an id in every event
    private final Map<RdmaCmId, Session> sessions = new ConcurrentHashMap<>();
    private final Map<RdmaCmId, Consumer<ConnectRequest>> listeners = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /** One connection attempt, later one connection. Touched on the CM thread, and by connect/accept. */
    private static final class Session {
        final RdmaCmId id;
        final String peer;
        final ConnectParams params;
        final CmEventHandler handler;
        final long deadlineNanos;
        // keeps the private data's native memory alive until connect has copied it
        ByteBuffer privateData;
        volatile DisniQueuePair qp;
        volatile boolean established;
        volatile boolean disconnected;

        Session(RdmaCmId id, String peer, ConnectParams params, CmEventHandler handler) {
            this.id = id;
            this.peer = peer;
            this.params = params;
            this.handler = handler;
            this.deadlineNanos = System.nanoTime() + params.timeout().toNanos();
        }
    }

    DisniConnectionManager(DisniDevice device, DisniOptions options, RdmaEventChannel channel) {
        this.device = device;
        this.options = options;
        this.channel = channel;
        this.thread = new Thread(this, "disni-cm[" + device.attributes().name() + "]");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
        final InetSocketAddress at = parse(address);
        try {
            final RdmaCmId id = channel.createId(RdmaCm.RDMA_PS_TCP);
            try {
                id.bindAddr(at);
                id.listen(BACKLOG);
            } catch (IOException e) {
                id.destroyId();
                throw e;
            }
            listeners.put(id, handler);
            return new Listener() {
                @Override
                public String address() {
                    return address;
                }

                @Override
                public void close() {
                    if (listeners.remove(id) != null) {
                        destroyQuietly(id);
                    }
                }
            };
        } catch (IOException e) {
            throw new VerbsException(Errno.EBUSY, "cannot listen at " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void connect(String address, ConnectParams params, CmEventHandler handler) {
        final InetSocketAddress to;
        try {
            to = parse(address);
            device.checkQpParams(params);
        } catch (VerbsException e) {
            handler.onEvent(new CmEvent.ConnectError(e.errno(), e.getMessage()));
            return;
        }
        try {
            final RdmaCmId id = channel.createId(RdmaCm.RDMA_PS_TCP);
            final Session s = new Session(id, address, params, handler);
            sessions.put(id, s);
            id.resolveAddr(null, to, resolveTimeoutMs(s));
        } catch (IOException e) {
            handler.onEvent(new CmEvent.ConnectError(Errno.ENODEV, "rdma_resolve_addr(" + address + ") failed: "
                    + e.getMessage()));
        }
    }

    QueuePair accept(RdmaCmId id, String peer, ConnectParams params, CmEventHandler handler) throws VerbsException {
        device.checkQpParams(params);
        final Session s = new Session(id, peer, params, handler);
        sessions.put(id, s);
        try {
            s.qp = device.createQp(id, params);
            id.accept(connParam(s));
            return s.qp;
        } catch (IOException e) {
            sessions.remove(id);
            destroy(s);
            throw new VerbsException(Errno.ENOMEM, "rdma_accept from " + peer + " failed: " + e.getMessage(), e);
        }
    }

    void reject(RdmaCmId id) {
        destroyQuietly(id);
    }

    @Override
    public void run() {
        final int waitMs = (int) options.cmEventWait().toMillis();
        while (running) {
            try {
                final RdmaCmEvent ev = channel.getCmEvent(waitMs);
                if (ev != null) {
                    try {
                        handle(ev.getEvent(), ev.getStatus(), ev.getConnIdPriv(), ev.getListenIdPriv());
                    } finally {
                        ev.ackEvent();
                    }
                }
                expireDeadlines();
                reapDrained();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("CM thread: {}", e.toString());
                }
            }
        }
    }

    /** DiSNI 2.1 does not copy rdma_cm_event.status into its events: {@code status} is 0 in practice. */
    private void handle(int event, int status, RdmaCmId id, RdmaCmId listenId) throws IOException {
        final CmEventMapping.Action action = CmEventMapping.actionOf(event);
        if (action == CmEventMapping.Action.INCOMING_REQUEST) {
            incoming(id, listenId);
            return;
        }
        final Session s = id == null ? null : sessions.get(id);
        if (s == null) {
            LOG.debug("{} for no known connection", CmEventMapping.describe(event, status));
            return;
        }
        switch (action) {
            case RESOLVE_ROUTE -> id.resolveRoute(resolveTimeoutMs(s));
            case CONNECT -> {
                try {
                    s.qp = device.createQp(id, s.params);
                    id.connect(connParam(s));
                } catch (IOException e) {
                    fail(s, new CmEvent.ConnectError(Errno.ENOMEM, "QP creation or rdma_connect to " + s.peer
                            + " failed: " + e.getMessage()));
                }
            }
            case ESTABLISHED -> {
                s.established = true;
                s.privateData = null;
                s.handler.onEvent(new CmEvent.Established(s.qp, new byte[0]));
            }
            case REJECTED -> fail(s, new CmEvent.Rejected("rejected by " + s.peer + ": "
                    + CmEventMapping.describe(event, status), new byte[0]));
            case FAILED -> fail(s, new CmEvent.ConnectError(CmEventMapping.errnoOf(event, status),
                    "connection to " + s.peer + " failed: " + CmEventMapping.describe(event, status)));
            case DISCONNECTED -> disconnected(s, event, status);
            default -> LOG.debug("{} ignored", CmEventMapping.describe(event, status));
        }
    }

    private void incoming(RdmaCmId id, RdmaCmId listenId) {
        final Consumer<ConnectRequest> handler = listenId == null ? null : listeners.get(listenId);
        if (handler == null) {
            destroyQuietly(id);
            return;
        }
        String peer;
        try {
            peer = String.valueOf(id.getDestination());
        } catch (IOException e) {
            peer = "unknown peer";
        }
        handler.accept(new DisniConnectRequest(this, id, peer));
    }

    private void disconnected(Session s, int event, int status) {
        if (!s.established) {
            fail(s, new CmEvent.ConnectError(Errno.ENOTCONN, "connection to " + s.peer + " ended before it was "
                    + "established: " + CmEventMapping.describe(event, status)));
            return;
        }
        if (!s.disconnected) {
            s.disconnected = true;
            s.qp.onDisconnected();
            s.handler.onEvent(new CmEvent.Disconnected(s.qp));
        }
    }

    private void fail(Session s, CmEvent outcome) {
        if (sessions.remove(s.id) == null) {
            return;
        }
        if (s.qp != null) {
            s.qp.onDisconnected();
        }
        destroy(s);
        s.handler.onEvent(outcome);
    }

    private void expireDeadlines() {
        final long now = System.nanoTime();
        for (Session s : sessions.values()) {
            if (!s.established && now - s.deadlineNanos > 0) {
                fail(s, new CmEvent.ConnectError(Errno.ETIMEDOUT, "no connection with " + s.peer + " within "
                        + s.params.timeout().toMillis() + " ms"));
            }
        }
    }

    /** A disconnected QP is destroyed only after every WR has flushed, so no completion is lost. */
    private void reapDrained() {
        for (Session s : sessions.values()) {
            if (s.disconnected && s.qp != null && s.qp.isDrained()) {
                sessions.remove(s.id);
                destroy(s);
            }
        }
    }

    private void destroy(Session s) {
        if (s.qp != null) {
            device.forgetQp(s.qp);
            try {
                s.id.destroyQP();
            } catch (IOException | RuntimeException e) {
                LOG.debug("rdma_destroy_qp: {}", e.getMessage());
            }
        }
        destroyQuietly(s.id);
    }

    private static void destroyQuietly(RdmaCmId id) {
        try {
            id.destroyId();
        } catch (IOException | RuntimeException e) {
            LOG.debug("rdma_destroy_id: {}", e.getMessage());
        }
    }

    private RdmaConnParam connParam(Session s) throws IOException {
        final RdmaConnParam p = new RdmaConnParam();
        p.setInitiator_depth((byte) options.rdmaDepth());
        p.setResponder_resources((byte) options.rdmaDepth());
        p.setRetry_count((byte) options.retryCount());
        p.setRnr_retry_count((byte) options.rnrRetryCount());
        final byte[] data = s.params.privateData();
        if (data.length > 0) {
            s.privateData = ByteBuffer.allocateDirect(data.length);
            s.privateData.put(data).flip();
            p.setPrivate_data(MemoryUtils.getAddress(s.privateData));
            p.setPrivate_data_len((byte) data.length);
        }
        return p;
    }

    private int resolveTimeoutMs(Session s) {
        return (int) Math.max(1, Math.min(options.resolveTimeout().toMillis(), s.params.timeout().toMillis()));
    }

    private static InetSocketAddress parse(String address) throws VerbsException {
        try {
            return CmAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new VerbsException(Errno.EINVAL, e.getMessage());
        }
    }

    /** Ends every attempt and connection; called by the device's close. */
    void close() {
        running = false;
        try {
            thread.join(Math.max(1000L, 4L * options.cmEventWait().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Session s : sessions.values()) {
            if (s.qp != null) {
                s.qp.onDisconnected();
            }
            destroy(s);
        }
        sessions.clear();
        listeners.keySet().forEach(DisniConnectionManager::destroyQuietly);
        listeners.clear();
    }
}
