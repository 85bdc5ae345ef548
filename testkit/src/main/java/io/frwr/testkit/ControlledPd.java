package io.frwr.testkit;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ForwardingProtectionDomain;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

/**
 * A protection domain of the transport under test whose MR allocations and deregistrations pass through the
 * kit's {@link DeviceControl}, which may hold, slow or fail them on the test's say-so.
 */
final class ControlledPd extends ForwardingProtectionDomain {
    private final DeviceControl control;

    ControlledPd(ProtectionDomain pd, RdmaDevice device, DeviceControl control) {
        super(pd, device);
        this.control = control;
    }

    @Override
    public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
        control.pass(DeviceControl.Kind.ALLOC);
        return delegate.allocFastRegMr(maxPages);
    }

    @Override
    public void deregMr(FastRegMr mr) throws VerbsException {
        control.pass(DeviceControl.Kind.DEREG);
        delegate.deregMr(mr);
    }
}
