package io.frwr.actors;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ForwardingProtectionDomain;
import io.frwr.verbs.ForwardingQueuePair;
import io.frwr.verbs.ForwardingRdmaDevice;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that behaves like a different provider over the simulated fabric: its MRs may say their rkey
 * is chosen when the registration executes (as DiSNI's are), its QPs may never deliver the drain marker
 * (a provider that cannot post to an ERROR QP), and its PD may throw an unexpected exception (a provider
 * bug) on the first N deregistrations. The wrappers are peeled off before WRs reach the fabric underneath.
 */
final class WrappedDevice extends ForwardingRdmaDevice {
    private final boolean rkeyChosenAtRegistration;
    private final boolean dropDrainMarker;
    private final AtomicInteger deregCrashes;
    /** While closed, deregistrations wait at this gate (then fail {@link #deregFailuresAfterGate} times). */
    private final java.util.concurrent.CountDownLatch deregGate = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean gateDeregs;
    final AtomicInteger deregFailuresAfterGate = new AtomicInteger();
    final AtomicInteger deregsWaiting = new AtomicInteger();
    /** MR allocations still allowed; negative = unlimited. */
    final AtomicInteger allocsLeft = new AtomicInteger(-1);
    /** The length of every chain the consumer posted, in order. */
    final List<Integer> postedChains = new java.util.concurrent.CopyOnWriteArrayList<>();

    private WrappedDevice(RdmaDevice d, boolean rkeyChosenAtRegistration, boolean dropDrainMarker, int deregCrashes) {
        super(d);
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

    static WrappedDevice plain(RdmaDevice d) {
        return new WrappedDevice(d, false, false, 0);
    }

    static WrappedDevice crashingOnDereg(RdmaDevice d, int times) {
        return new WrappedDevice(d, false, false, times);
    }

    /** Deregistrations block until {@link #openDeregGate} (a slow firmware command, or one that hangs). */
    WrappedDevice gateDeregs() {
        gateDeregs = true;
        return this;
    }

    void openDeregGate() {
        deregGate.countDown();
    }

    int deregCrashesLeft() {
        return Math.max(0, deregCrashes.get());
    }

    private record Mr(FastRegMr real, boolean chosenAtRegistration) implements FastRegMr {
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

    @Override
    protected ProtectionDomain wrap(ProtectionDomain pd) {
        return new ForwardingProtectionDomain(pd, this) {
            @Override
            public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
                if (allocsLeft.get() >= 0 && allocsLeft.getAndDecrement() <= 0) {
                    throw new VerbsException(io.frwr.verbs.Errno.ENOMEM, "the device has no more MRs (limit reached)");
                }
                return new Mr(delegate.allocFastRegMr(maxPages), rkeyChosenAtRegistration);
            }

            @Override
            public void deregMr(FastRegMr mr) throws VerbsException {
                if (deregCrashes.getAndDecrement() > 0) {
                    throw new IllegalStateException("simulated provider bug in dereg");
                }
                if (gateDeregs) {
                    deregsWaiting.incrementAndGet();
                    try {
                        deregGate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        deregsWaiting.decrementAndGet();
                    }
                    if (deregFailuresAfterGate.getAndDecrement() > 0) {
                        throw new VerbsException(io.frwr.verbs.Errno.EBUSY, "dereg failed after a long wait");
                    }
                }
                delegate.deregMr(((Mr) mr).real());
            }
        };
    }

    @Override
    protected QueuePair wrap(QueuePair qp) {
        return new ForwardingQueuePair(qp) {
            @Override
            public void postSend(List<? extends SendWr> chain) throws PostSendException {
                final List<SendWr> out = new ArrayList<>(chain.size());
                for (SendWr wr : chain) {
                    out.add(wr instanceof SendWr.FastReg f ? new SendWr.FastReg(f.wrId(), f.signaled(),
                            ((Mr) f.mr()).real(), f.pages(), f.rkey(), f.access()) : wr);
                }
                postedChains.add(out.size());
                delegate.postSend(out);
            }

            @Override
            public void drainSendQueue(long markerWrId) {
                if (dropDrainMarker) {
                    delegate.moveToError();
                } else {
                    delegate.drainSendQueue(markerWrId);
                }
            }
        };
    }
}
