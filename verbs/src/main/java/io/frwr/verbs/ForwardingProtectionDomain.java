package io.frwr.verbs;

/** A ProtectionDomain that forwards to another; {@link ForwardingRdmaDevice} unwraps it at connect time. */
public class ForwardingProtectionDomain implements ProtectionDomain {
    /** The PD every call goes to unless a subclass overrides it. */
    protected final ProtectionDomain delegate;
    private final RdmaDevice device;

    /** Forwards to {@code delegate}; {@code device()} answers the wrapping device. */
    public ForwardingProtectionDomain(ProtectionDomain delegate, RdmaDevice device) {
        this.delegate = delegate;
        this.device = device;
    }

    /** {@return the wrapped PD} */
    public ProtectionDomain delegate() {
        return delegate;
    }

    @Override
    public RdmaDevice device() {
        return device;
    }

    @Override
    public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
        return delegate.allocFastRegMr(maxPages);
    }

    @Override
    public void deregMr(FastRegMr mr) throws VerbsException {
        delegate.deregMr(mr);
    }
}
