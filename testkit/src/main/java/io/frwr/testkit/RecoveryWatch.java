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
 * to tell "recovery is working" (wait) from "recovery waits for a retry timer" (let time pass).
 */
final class RecoveryWatch extends ForwardingProtectionDomain {
    final AtomicInteger inCall = new AtomicInteger();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    RecoveryWatch(ProtectionDomain pd, RdmaDevice device) {
        super(pd, device);
    }

    @Override
    public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
        begin();
        try {
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
