package io.frwr.verbs;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * An RdmaDevice that forwards to another, for tools and tests that watch or alter what a consumer does
 * (count posts, inject provider behaviours). Override {@link #wrap(ProtectionDomain)} and
 * {@link #wrap(QueuePair)} to put your own PD and QP in the consumer's hands; the provider underneath
 * always gets its own objects back (the PD is unwrapped at connect time, QPs in CM events are wrapped).
 */
public class ForwardingRdmaDevice implements RdmaDevice {
    /** The device every call goes to unless a subclass overrides it. */
    protected final RdmaDevice delegate;

    /** Forwards every call to {@code delegate}. */
    public ForwardingRdmaDevice(RdmaDevice delegate) {
        this.delegate = delegate;
    }

    /** {@return the wrapped device} */
    public RdmaDevice delegate() {
        return delegate;
    }

    /** The PD the consumer gets; the default hands out the provider's own. */
    protected ProtectionDomain wrap(ProtectionDomain pd) {
        return pd;
    }

    /** The QP the consumer gets in Established events; the default is the provider's own. */
    protected QueuePair wrap(QueuePair qp) {
        return qp;
    }

    /** The QP the consumer gets in the Disconnected event: the same wrapper; a subclass may forget it here. */
    protected QueuePair wrapDisconnected(QueuePair qp) {
        return wrap(qp);
    }

    @Override
    public DeviceAttributes attributes() {
        return delegate.attributes();
    }

    @Override
    public ProtectionDomain allocPd() throws VerbsException {
        return wrap(delegate.allocPd());
    }

    @Override
    public CompletionQueue createCq(int capacity) throws VerbsException {
        return delegate.createCq(capacity);
    }

    @Override
    public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
        return delegate.mapBuffer(direct);
    }

    @Override
    public boolean maps(DmaBuffer buffer) {
        return delegate.maps(buffer);
    }

    @Override
    public void unmapBuffer(DmaBuffer buffer) {
        delegate.unmapBuffer(buffer);
    }

    @Override
    public ConnectionManager connectionManager() {
        final ConnectionManager cm = delegate.connectionManager();
        return new ConnectionManager() {
            @Override
            public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
                return cm.listen(address, handler);
            }

            @Override
            public void connect(String address, ConnectParams p, CmEventHandler handler) {
                cm.connect(address, new ConnectParams(unwrap(p.pd()), p.sendCq(), p.recvCq(), p.maxSendWr(),
                        p.maxRecvWr(), p.privateData(), p.timeout()), event -> handler.onEvent(wrap(event)));
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The provider only knows its own PD. */
    private static ProtectionDomain unwrap(ProtectionDomain pd) {
        ProtectionDomain p = pd;
        while (p instanceof ForwardingProtectionDomain f) {
            p = f.delegate();
        }
        return p;
    }

    private CmEvent wrap(CmEvent event) {
        if (event instanceof CmEvent.Established e) {
            return new CmEvent.Established(wrap(e.qp()), e.privateData());
        }
        if (event instanceof CmEvent.Disconnected d) {
            return new CmEvent.Disconnected(d.qp() == null ? null : wrapDisconnected(d.qp()));
        }
        return event;
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
