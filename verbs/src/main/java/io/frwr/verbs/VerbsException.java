package io.frwr.verbs;

/**
 * A verb failed synchronously. The message says what was wrong, the code says how to react, and
 * {@link #injected()} says whether a fault injector (the simulated fabric's {@code SimFaults}) caused it: a
 * checker tells a deliberate failure from a transport bug by that flag, never by reading the message.
 */
public class VerbsException extends Exception {
    private final Errno errno;
    private final boolean injected;

    /** A failure of the device; {@code message} names what was wrong. */
    public VerbsException(Errno errno, String message) {
        this(errno, message, false);
    }

    /** A failure of the device caused by {@code cause} (a provider's own exception). */
    public VerbsException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
        this.injected = false;
    }

    /** {@code injected}: a fault injector produced this failure, the device itself was fine. */
    public VerbsException(Errno errno, String message, boolean injected) {
        super(errno + ": " + message);
        this.errno = errno;
        this.injected = injected;
    }

    /** {@return the code to react to (ENOMEM, EAGAIN, ENOTCONN, ...)} */
    public Errno errno() {
        return errno;
    }

    /** True if fault injection produced this failure (set by the provider that injected it). */
    public boolean injected() {
        return injected;
    }
}
