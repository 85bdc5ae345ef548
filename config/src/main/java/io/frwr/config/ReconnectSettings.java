package io.frwr.config;

import java.time.Duration;

/**
 * Backoff between reconnect attempts ({@code frwr-transport.connection.reconnect}); each attempt is a
 * supervisor restart of the connection, so these map onto Akka's restartWithBackoff.
 *
 * @param minBackoff        delay before the first reconnect, &gt; 0
 * @param maxBackoff        longest delay, &gt;= minBackoff
 * @param randomFactor      jitter added as a fraction of the delay, 0.0..1.0
 * @param maxRestarts       attempts within {@code maxRestartsWithin} before giving up; -1 = unlimited
 * @param maxRestartsWithin the window the attempts are counted in, &gt; 0
 */
public record ReconnectSettings(Duration minBackoff, Duration maxBackoff, double randomFactor, int maxRestarts,
                                Duration maxRestartsWithin) {
    /** Where these keys live, for the messages that name a key. */
    public static final String PATH = ConnectionSettings.PATH + ".reconnect";
    /** max-restarts value for "never give up reconnecting". */
    public static final int UNLIMITED_RESTARTS = -1;

    /** Validates every value, naming the key, the value and the allowed range. */
    public ReconnectSettings {
        SettingCheck.positive(PATH + ".min-backoff", minBackoff);
        SettingCheck.positive(PATH + ".max-backoff", maxBackoff);
        SettingCheck.notAbove(PATH + ".min-backoff", minBackoff, "max-backoff", maxBackoff);
        SettingCheck.between(PATH + ".random-factor", randomFactor, 0.0, 1.0);
        SettingCheck.between(PATH + ".max-restarts", maxRestarts, UNLIMITED_RESTARTS, Integer.MAX_VALUE);
        SettingCheck.positive(PATH + ".max-restarts-within", maxRestartsWithin);
    }

    static ReconnectSettings read(SettingsReader r) {
        return new ReconnectSettings(
                r.getDuration(PATH + ".min-backoff"),
                r.getDuration(PATH + ".max-backoff"),
                r.getDouble(PATH + ".random-factor"),
                r.getInt(PATH + ".max-restarts"),
                r.getDuration(PATH + ".max-restarts-within"));
    }

    /** {@return whether failed connect attempts never exhaust the supervisor} */
    public boolean unlimitedRestarts() {
        return maxRestarts == UNLIMITED_RESTARTS;
    }
}
