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
import java.util.function.Consumer;

/**
 * A device whose MRs say their rkey is chosen when the registration executes, as DiSNI's are; the
 * wrappers are peeled off before WRs reach the simulated fabric underneath.
 */
final class RkeyAtCompletionDevice implements RdmaDevice {
    private final RdmaDevice d;
    private ProtectionDomain realPd;

    RkeyAtCompletionDevice(RdmaDevice d) {
        this.d = d;
    }

    private static final class Mr implements FastRegMr {
        final FastRegMr real;

        Mr(FastRegMr real) {
            this.real = real;
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
            return true;
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
                return RkeyAtCompletionDevice.this;
            }

            public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
                return new Mr(pd.allocFastRegMr(maxPages));
            }

            public void deregMr(FastRegMr mr) throws VerbsException {
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

    private static QueuePair wrap(QueuePair q) {
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
                q.drainSendQueue(markerWrId);
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
