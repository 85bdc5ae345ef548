package io.frwr.config;

/**
 * A transport setting that is missing, of the wrong type or out of range. The message always names the
 * full key path, the offending value and what is allowed, e.g.
 * {@code frwr-transport.mr-pool.size = 0: must be between 1 and 16777216}.
 */
public final class SettingsException extends IllegalArgumentException {
    /** A bad value; {@code message} names the key, the value and what is allowed. */
    public SettingsException(String message) {
        super(message);
    }

    /** A bad value that the config library itself refused ({@code cause}). */
    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
