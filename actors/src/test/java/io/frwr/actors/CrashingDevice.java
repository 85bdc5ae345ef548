package io.frwr.actors;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** A device whose PD throws an unexpected exception (a provider bug) on the first N deregistrations. */
final class CrashingDevice implements RdmaDevice {
    private final RdmaDevice d;
    private final AtomicInteger crashes;
    private final java.util.Map<ProtectionDomain, ProtectionDomain> real = new java.util.concurrent.ConcurrentHashMap<>();

    CrashingDevice(RdmaDevice d, int crashes) {
        this.d = d;
        this.crashes = new AtomicInteger(crashes);
    }

    int crashesLeft() {
        return Math.max(0, crashes.get());
    }

    public DeviceAttributes attributes() {
        return d.attributes();
    }

    public ProtectionDomain allocPd() throws VerbsException {
        final ProtectionDomain pd = d.allocPd();
        final ProtectionDomain wrapper = new ProtectionDomain() {
            public RdmaDevice device() {
                return CrashingDevice.this;
            }

            public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
                return pd.allocFastRegMr(maxPages);
            }

            public void deregMr(FastRegMr mr) throws VerbsException {
                if (crashes.getAndDecrement() > 0) {
                    throw new IllegalStateException("simulated provider bug in dereg");
                }
                pd.deregMr(mr);
            }
        };
        real.put(wrapper, pd);
        return wrapper;
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

    /** The provider only knows its own PD: swap it back in at connect time. */
    public ConnectionManager connectionManager() {
        final ConnectionManager cm = d.connectionManager();
        return new ConnectionManager() {
            public Listener listen(String address, java.util.function.Consumer<io.frwr.verbs.ConnectRequest> h)
                    throws VerbsException {
                return cm.listen(address, h);
            }

            public void connect(String address, io.frwr.verbs.ConnectParams p, io.frwr.verbs.CmEventHandler h) {
                cm.connect(address, new io.frwr.verbs.ConnectParams(real.getOrDefault(p.pd(), p.pd()), p.sendCq(),
                        p.recvCq(), p.maxSendWr(), p.maxRecvWr(), p.privateData(), p.timeout()), h);
            }
        };
    }

    public void close() {
        d.close();
    }
}
