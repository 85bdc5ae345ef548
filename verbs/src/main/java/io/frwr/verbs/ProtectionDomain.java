package io.frwr.verbs;

/** A protection domain: MRs and QPs of one PD only work together. */
public interface ProtectionDomain {
    /** {@return the device the PD was allocated on} */
    RdmaDevice device();

    /** ib_alloc_mr(MEM_REG): may cost firmware time; ENOMEM when the device holds its maximum. */
    FastRegMr allocFastRegMr(int maxPages) throws VerbsException;

    /** ib_dereg_mr: may cost firmware time. Any rkey of the MR stops working at once. */
    void deregMr(FastRegMr mr) throws VerbsException;
}
