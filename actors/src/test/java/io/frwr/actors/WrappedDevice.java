package io.frwr.actors;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A device that behaves like a different provider over the simulated fabric: its MRs may say their rkey
 * is chosen when the registration executes (as DiSNI's are), its QPs may never deliver the drain marker
 * (a provider that cannot post to an ERROR QP), and its PD may throw an unexpected exception (a provider
 * bug) on the first N deregistrations. The wrappers are peeled off before WRs reach the fabric underneath.
 */
final class WrappedDevice implements RdmaDevice {
    private final RdmaDevice d;
    private final boolean rkeyChosenAtRegistration;
    private final boolean dropDrainMarker;
    private final AtomicInteger deregCrashes;
    private ProtectionDomain realPd;

    WrappedDevice(RdmaDevice d, boolean rkeyChosenAtRegistration, boolean dropDrainMarker, int deregCrashes) {
        this.d = d;
        this.rkeyChosenAtRegistration = rkeyChosenAtRegistration;
        this.dropDrainMarker = dropDrainMarker;
        this.deregCrashes = new AtomicInteger(deregCrashes);
    }

    static WrappedDevice rkeyChosenAtRegistration(RdmaDevice d) {
        return new WrappedDevice(d, true, false, 0);
    }

    static WrappedDevice withoutDrainMarker(RdmaDevice d) {
        return new WrappedDevice(d, false, true, 0);
    }

    static WrappedDevice crashingOnDereg(RdmaDevice d, int times) {
        return new WrappedDevice(d, false, false, times);
    }

    int deregCrashesLeft() {
        return Math.max(0, deregCrashes.get());
    }

    private static final class Mr implements FastRegMr {
        final FastRegMr real;
        final boolean chosenAtRegistration;

        Mr(FastRegMr real, boolean chosenAtRegistration) {
            this.real = real;
            this.chosenAtRegistration = chosenAtRegistration;
        }

        public int rkey() {
            return real.rkey();
        }

        public int lkey() {
            return real.lkey();
        }

        public int maxPages() {
            return real.maxPages();
        }

        public void updateKey(int keyByte) {
            real.updateKey(keyByte);
        }

        public boolean isDeregistered() {
            return real.isDeregistered();
        }

        @Override
        public boolean rkeyChosenAtRegistration() {
            return chosenAtRegistration;
        }
    }

    public DeviceAttributes attributes() {
        return d.attributes();
    }

    public ProtectionDomain allocPd() throws VerbsException {
        realPd = d.allocPd();
        final ProtectionDomain pd = realPd;
        return new ProtectionDomain() {
            public RdmaDevice device() {
                return WrappedDevice.this;
            }

            public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
                return new Mr(pd.allocFastRegMr(maxPages), rkeyChosenAtRegistration);
            }

            public void deregMr(FastRegMr mr) throws VerbsException {
                if (deregCrashes.getAndDecrement() > 0) {
                    throw new IllegalStateException("simulated provider bug in dereg");
                }
                pd.deregMr(((Mr) mr).real);
            }
        };
    }

    public CompletionQueue createCq(int capacity) throws VerbsException {
        return d.createCq(capacity);
    }

    public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
        return d.mapBuffer(direct);
    }

    public void unmapBuffer(DmaBuffer buffer) {
        d.unmapBuffer(buffer);
    }

    public ConnectionManager connectionManager() {
        final ConnectionManager cm = d.connectionManager();
        return new ConnectionManager() {
            public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
                return cm.listen(address, handler);
            }

            public void connect(String address, ConnectParams p, CmEventHandler handler) {
                cm.connect(address, new ConnectParams(realPd, p.sendCq(), p.recvCq(), p.maxSendWr(), p.maxRecvWr(),
                        p.privateData(), p.timeout()), ev -> handler.onEvent(
                        ev instanceof CmEvent.Established est ? new CmEvent.Established(wrap(est.qp()), est.privateData())
                                : ev));
            }
        };
    }

    private QueuePair wrap(QueuePair q) {
        return new QueuePair() {
            public int qpNum() {
                return q.qpNum();
            }

            public QpState state() {
                return q.state();
            }

            public int sendQueueCapacity() {
                return q.sendQueueCapacity();
            }

            public int recvQueueCapacity() {
                return q.recvQueueCapacity();
            }

            public CompletionQueue sendCq() {
                return q.sendCq();
            }

            public CompletionQueue recvCq() {
                return q.recvCq();
            }

            public void postSend(List<? extends SendWr> chain) throws PostSendException {
                final List<SendWr> out = new ArrayList<>(chain.size());
                for (SendWr wr : chain) {
                    out.add(wr instanceof SendWr.FastReg f ? new SendWr.FastReg(f.wrId(), f.signaled(),
                            ((Mr) f.mr()).real, f.pages(), f.rkey(), f.access()) : wr);
                }
                q.postSend(out);
            }

            public void postRecv(RecvWr wr) throws VerbsException {
                q.postRecv(wr);
            }

            public void moveToError() {
                q.moveToError();
            }

            public void drainSendQueue(long markerWrId) {
                if (dropDrainMarker) {
                    q.moveToError();
                } else {
                    q.drainSendQueue(markerWrId);
                }
            }

            public void disconnect() {
                q.disconnect();
            }
        };
    }

    public void close() {
        d.close();
    }
}
