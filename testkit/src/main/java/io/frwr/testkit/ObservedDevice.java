package io.frwr.testkit;

import io.frwr.verbs.Errno;
import io.frwr.verbs.ForwardingQueuePair;
import io.frwr.verbs.ForwardingRdmaDevice;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.SendWr;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The client device as the transport sees it: every call goes to the simulated device, but each QP is
 * wrapped so that post_send failures are recorded. A "send queue full" failure means the transport posted
 * more WRs than the QP holds, which the invariant checker reports unless it was injected. The WRs that were
 * posted are counted per opcode, so a test can step until, say, a LOCAL_INV is on the send queue. Its PD
 * passes MR allocations and deregistrations through a {@link DeviceControl}, which can hold or slow them.
 */
final class ObservedDevice extends ForwardingRdmaDevice {
    /** One failed post_send, as the transport saw it. */
    record PostFailure(int qpNum, Errno errno, String message) {
        boolean injected() {
            return message.contains("(injected fault)");
        }

        boolean sendQueueOverflow() {
            return errno == Errno.ENOMEM && message.contains("send queue full");
        }
    }

    private final List<PostFailure> postFailures = new CopyOnWriteArrayList<>();
    private final AtomicLongArray posted = new AtomicLongArray(Opcode.values().length);
    private final Map<QueuePair, QueuePair> wrapped = new ConcurrentHashMap<>();
    private final List<QueuePair> qps = new CopyOnWriteArrayList<>();
    private final DeviceControl control;
    private final java.util.concurrent.atomic.AtomicInteger drainMarkersToLose = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong drainMarkersLost = new java.util.concurrent.atomic.AtomicLong();

    ObservedDevice(RdmaDevice device, DeviceControl control) {
        super(device);
        this.control = control;
    }

    /** Holds, slows or fails this device's MR calls on the test's say-so. */
    DeviceControl control() {
        return control;
    }

    List<PostFailure> postFailures() {
        return List.copyOf(postFailures);
    }

    /** Send WRs of {@code opcode} the transport posted successfully (on any of its QPs). */
    long posted(Opcode opcode) {
        return posted.get(opcode.ordinal());
    }

    /** The QPs the transport was handed, in connection order (the simulated ones, not the wrappers). */
    List<QueuePair> queuePairs() {
        return List.copyOf(qps);
    }

    /**
     * The next {@code count} ib_drain_sq calls move the QP to ERROR but never complete the marker, as a
     * provider that cannot post to an ERROR QP does ({@link Integer#MAX_VALUE}: every one; 0 ends it).
     */
    void loseNextDrainMarkers(int count) {
        drainMarkersToLose.set(count);
    }

    long drainMarkersLost() {
        return drainMarkersLost.get();
    }

    /** Every PD the transport allocates (a new one when it retires one) is under the device control. */
    @Override
    protected ProtectionDomain wrap(ProtectionDomain real) {
        return new ControlledPd(real, this, control);
    }

    @Override
    protected QueuePair wrap(QueuePair qp) {
        return wrapped.computeIfAbsent(qp, real -> {
            qps.add(real);
            return new ForwardingQueuePair(real) {
                @Override
                public void postSend(List<? extends SendWr> chain) throws PostSendException {
                    try {
                        delegate.postSend(chain);
                        countPosted(chain, chain.size());
                    } catch (PostSendException p) {
                        postFailures.add(new PostFailure(delegate.qpNum(), p.errno(), p.getMessage()));
                        countPosted(chain, p.failedIndex());
                        throw p;
                    }
                }

                @Override
                public void drainSendQueue(long markerWrId) {
                    if (drainMarkersToLose.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                        drainMarkersLost.incrementAndGet();
                        delegate.moveToError();
                    } else {
                        delegate.drainSendQueue(markerWrId);
                    }
                }
            };
        });
    }

    /** Count the first {@code upTo} WRs of a chain: those reached the queue. */
    private void countPosted(List<? extends SendWr> chain, int upTo) {
        for (int i = 0; i < chain.size() && i < upTo; i++) {
            posted.incrementAndGet(chain.get(i).opcode().ordinal());
        }
    }
}
