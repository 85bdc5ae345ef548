package io.frwr.testkit;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ForwardingProtectionDomain;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport's PD as seen from the test: counts MR allocations and deregistrations in progress and
 * failed. Recovery runs them on its own executor, outside the actor system, so the kit uses these counts
 * to tell "recovery is working" (wait) from "recovery waits for a retry timer or a held device call" (let
 * time pass). The {@link DeviceControl} holds or slows a call here, inside the count.
 */
final class RecoveryWatch extends ForwardingProtectionDomain {
    final AtomicInteger inCall;
    final AtomicLong calls;
    final AtomicLong failures;

    private final DeviceControl control;

    /**
     * {@code before} is the watch of the device's previous PD, or null: the counts go on across PDs, since the
     * transport retires a PD (after a failed deregistration) while recovery still deregisters MRs of the old one.
     */
    RecoveryWatch(ProtectionDomain pd, RdmaDevice device, DeviceControl control, RecoveryWatch before) {
        super(pd, device);
        this.control = control;
        this.inCall = before == null ? new AtomicInteger() : before.inCall;
        this.calls = before == null ? new AtomicLong() : before.calls;
        this.failures = before == null ? new AtomicLong() : before.failures;
    }

    /** Calls in progress that are not parked by the {@link DeviceControl}: recovery is really working. */
    int working() {
        return inCall.get() - control.heldCalls();
    }

    @Override
    public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
        begin();
        try {
            control.pass(DeviceControl.Kind.ALLOC);
            return delegate.allocFastRegMr(maxPages);
        } catch (VerbsException e) {
            failures.incrementAndGet();
            throw e;
        } finally {
            inCall.decrementAndGet();
        }
    }

    @Override
    public void deregMr(FastRegMr mr) throws VerbsException {
        begin();
        try {
            control.pass(DeviceControl.Kind.DEREG);
            delegate.deregMr(mr);
        } catch (VerbsException e) {
            failures.incrementAndGet();
            throw e;
        } finally {
            inCall.decrementAndGet();
        }
    }

    private void begin() {
        inCall.incrementAndGet();
        calls.incrementAndGet();
    }
}
