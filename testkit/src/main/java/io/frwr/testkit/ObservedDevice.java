package io.frwr.testkit;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * The client device as the transport sees it: every call goes to the simulated device, but each QP is
 * proxied so that post_send failures are recorded. A "send queue full" failure means the transport posted
 * more WRs than the QP holds, which the invariant checker reports unless it was injected. The WRs that were
 * posted are counted per opcode, so a test can step until, say, a LOCAL_INV is on the send queue.
 */
final class ObservedDevice implements RdmaDevice {
    /** One failed post_send, as the transport saw it. */
    record PostFailure(int qpNum, Errno errno, String message) {
        boolean injected() {
            return message.contains("(injected fault)");
        }

        boolean sendQueueOverflow() {
            return errno == Errno.ENOMEM && message.contains("send queue full");
        }
    }

    private final RdmaDevice device;
    private final List<PostFailure> postFailures = new CopyOnWriteArrayList<>();
    private final AtomicLongArray posted = new AtomicLongArray(Opcode.values().length);
    private final Map<QueuePair, QueuePair> wrapped = new ConcurrentHashMap<>();
    private final List<QueuePair> qps = new CopyOnWriteArrayList<>();
    private volatile RecoveryWatch pd;

    ObservedDevice(RdmaDevice device) {
        this.device = device;
    }

    List<PostFailure> postFailures() {
        return List.copyOf(postFailures);
    }

    /** Send WRs of {@code opcode} the transport posted successfully (on any of its QPs). */
    long posted(Opcode opcode) {
        return posted.get(opcode.ordinal());
    }

    @Override
    public DeviceAttributes attributes() {
        return device.attributes();
    }

    /** The QPs the transport was handed, in connection order (the simulated ones, not the proxies). */
    List<QueuePair> queuePairs() {
        return List.copyOf(qps);
    }

    RecoveryWatch recoveryWatch() {
        return pd;
    }

    /** The transport allocates one PD; it is watched so the kit knows when recovery is busy. */
    @Override
    public ProtectionDomain allocPd() throws VerbsException {
        final RecoveryWatch w = new RecoveryWatch(device.allocPd(), this);
        pd = w;
        return w;
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
        final ConnectionManager cm = device.connectionManager();
        return new ConnectionManager() {
            @Override
            public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
                return cm.listen(address, handler);
            }

            @Override
            public void connect(String address, ConnectParams params, CmEventHandler handler) {
                // The provider only knows its own PD: swap the real one back in.
                final ProtectionDomain real = params.pd() instanceof RecoveryWatch w ? w.real() : params.pd();
                cm.connect(address, new ConnectParams(real, params.sendCq(), params.recvCq(), params.maxSendWr(),
                        params.maxRecvWr(), params.privateData(), params.timeout()), event -> handler.onEvent(wrap(event)));
            }
        };
    }

    @Override
    public void close() {
        device.close();
    }

    private CmEvent wrap(CmEvent event) {
        if (event instanceof CmEvent.Established e) {
            qps.add(e.qp());
            return new CmEvent.Established(wrap(e.qp()), e.privateData());
        }
        if (event instanceof CmEvent.Disconnected d) {
            return new CmEvent.Disconnected(wrap(d.qp()));
        }
        return event;
    }

    /**
     * A dynamic proxy rather than a class, so that a method added to the QueuePair SPI later (default or
     * not) still reaches the simulated QP instead of a default body.
     */
    private QueuePair wrap(QueuePair qp) {
        return wrapped.computeIfAbsent(qp, real -> (QueuePair) Proxy.newProxyInstance(
                QueuePair.class.getClassLoader(), new Class<?>[] {QueuePair.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> real.toString();
                        };
                    }
                    final boolean postSend = method.getName().equals("postSend");
                    try {
                        final Object result = method.invoke(real, args);
                        if (postSend) {
                            countPosted(args[0], Integer.MAX_VALUE);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof PostSendException p) {
                            postFailures.add(new PostFailure(real.qpNum(), p.errno(), p.getMessage()));
                            if (postSend) {
                                countPosted(args[0], p.failedIndex());
                            }
                        }
                        throw e.getCause();
                    }
                }));
    }

    /** Count the first {@code upTo} WRs of a postSend argument (one WR or a chain): those reached the queue. */
    private void countPosted(Object arg, int upTo) {
        if (arg instanceof SendWr wr) {
            if (upTo > 0) {
                posted.incrementAndGet(wr.opcode().ordinal());
            }
        } else if (arg instanceof List<?> chain) {
            for (int i = 0; i < chain.size() && i < upTo; i++) {
                posted.incrementAndGet(((SendWr) chain.get(i)).opcode().ordinal());
            }
        }
    }
}
