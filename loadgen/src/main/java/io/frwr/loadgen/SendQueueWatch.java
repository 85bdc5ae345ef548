package io.frwr.loadgen;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The requester's device, seen through a watch on post_send: every QP the connection manager hands out
 * is wrapped so that a post refused with ENOMEM (send queue full) is counted. The transport promises never
 * to post more WRs than the send queue holds, FAST_REG and LOCAL_INV included; this is how the load
 * generator checks that promise without reaching into the transport. Everything else passes through.
 */
public final class SendQueueWatch implements RdmaDevice {
    private final RdmaDevice device;
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong otherPostFailures = new AtomicLong();
    private final Map<QueuePair, QueuePair> watched = new ConcurrentHashMap<>();
    private final ConnectionManager cm;

    public SendQueueWatch(RdmaDevice device) {
        this.device = device;
        this.cm = new WatchedCm(device.connectionManager());
    }

    /** post_send calls refused with ENOMEM: the send queue would have overflowed. */
    public long overflows() {
        return overflows.get();
    }

    /** post_send calls refused for another reason (ENOTCONN after a QP error, EAGAIN, EINVAL). */
    public long otherPostFailures() {
        return otherPostFailures.get();
    }

    void countPostFailure(Errno errno) {
        (errno == Errno.ENOMEM ? overflows : otherPostFailures).incrementAndGet();
    }

    @Override
    public DeviceAttributes attributes() {
        return device.attributes();
    }

    @Override
    public ProtectionDomain allocPd() throws VerbsException {
        return device.allocPd();
    }

    @Override
    public CompletionQueue createCq(int capacity) throws VerbsException {
        return device.createCq(capacity);
    }

    @Override
    public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
        return device.mapBuffer(direct);
    }

    @Override
    public void unmapBuffer(DmaBuffer buffer) {
        device.unmapBuffer(buffer);
    }

    @Override
    public ConnectionManager connectionManager() {
        return cm;
    }

    @Override
    public void close() {
        device.close();
    }

    /** The same wrapper for the same QP, so that Established and Disconnected name one object. */
    private QueuePair watch(QueuePair qp) {
        return watched.computeIfAbsent(qp, q -> new WatchedQueuePair(q, this));
    }

    private CmEvent watch(CmEvent ev) {
        if (ev instanceof CmEvent.Established est) {
            return new CmEvent.Established(watch(est.qp()), est.privateData());
        }
        if (ev instanceof CmEvent.Disconnected dis && dis.qp() != null) {
            final QueuePair w = watched.remove(dis.qp());
            return new CmEvent.Disconnected(w != null ? w : dis.qp());
        }
        return ev;
    }

    private final class WatchedCm implements ConnectionManager {
        private final ConnectionManager delegate;

        WatchedCm(ConnectionManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
            return delegate.listen(address, handler);
        }

        @Override
        public void connect(String address, ConnectParams params, CmEventHandler handler) {
            delegate.connect(address, params, ev -> handler.onEvent(watch(ev)));
        }
    }
}
