package io.frwr.verbs;

/** The errno-like code every {@link VerbsException} carries, as a verbs consumer would branch on it. */
public enum Errno {
    /** Out of a resource: MRs, send-queue slots at the provider, memory. Retry later or elsewhere. */
    ENOMEM,
    /** An argument is wrong: a bad rkey, an oversize page list, a buffer that is not direct. */
    EINVAL,
    /** The QP is not connected (ERROR, or not yet RTS). */
    ENOTCONN,
    /** Transient: try the same operation again. */
    EAGAIN,
    /** The peer refused the connection. */
    ECONNREFUSED,
    /** Connection establishment did not finish in time. */
    ETIMEDOUT,
    /** No device, or the provider cannot run here. */
    ENODEV,
    /** The object is in use (a VALID MR cannot be deregistered from under a pending WR, a busy address). */
    EBUSY
}
