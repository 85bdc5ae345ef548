package io.frwr.config;

import java.time.Duration;

/**
 * Connection lifecycle bounds ({@code frwr-transport.connection}).
 *
 * @param connectTimeout    bound on resolve and CM connect, &gt; 0
 * @param drainTimeout      bound on waiting for posted WRs to complete or flush before a reconnect, &gt; 0
 * @param requestWait       how long requests wait while the connection is down, &gt;= 0 (0 = fail at once)
 * @param requestQueueLimit most requests parked while down, 0..16777216
 * @param reconnect         backoff between reconnect attempts
 */
public record ConnectionSettings(Duration connectTimeout, Duration drainTimeout, Duration requestWait,
                                 int requestQueueLimit, ReconnectSettings reconnect) {
    /** Where these keys live, for the messages that name a key. */
    public static final String PATH = TransportSettings.ROOT + ".connection";
    /** The largest request-queue-limit accepted. */
    public static final int MAX_REQUEST_QUEUE_LIMIT = 1 << 24;

    /** Validates every value, naming the key, the value and the allowed range. */
    public ConnectionSettings {
        SettingCheck.positive(PATH + ".connect-timeout", connectTimeout);
        SettingCheck.positive(PATH + ".drain-timeout", drainTimeout);
        SettingCheck.notNegative(PATH + ".request-wait", requestWait);
        SettingCheck.between(PATH + ".request-queue-limit", requestQueueLimit, 0, MAX_REQUEST_QUEUE_LIMIT);
        SettingCheck.present(PATH + ".reconnect", reconnect);
    }

    static ConnectionSettings read(SettingsReader r) {
        return new ConnectionSettings(
                r.getDuration(PATH + ".connect-timeout"),
                r.getDuration(PATH + ".drain-timeout"),
                r.getDuration(PATH + ".request-wait"),
                r.getInt(PATH + ".request-queue-limit"),
                ReconnectSettings.read(r));
    }
}
