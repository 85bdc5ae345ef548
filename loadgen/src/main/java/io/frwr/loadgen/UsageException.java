package io.frwr.loadgen;

/** A command line the load generator cannot run: one line naming the option, the value and what is allowed. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
