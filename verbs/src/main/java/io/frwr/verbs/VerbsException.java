package io.frwr.verbs;

/** A verb failed synchronously. The message says what was wrong, the code says how to react. */
public class VerbsException extends Exception {
    private final Errno errno;

    public VerbsException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public VerbsException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
