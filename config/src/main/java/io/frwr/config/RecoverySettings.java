package io.frwr.config;

import java.time.Duration;

/**
 * Recovery of MRs left VALID or STALE by a QP error ({@code frwr-transport.recovery}).
 *
 * @param strategy          lazily per MR, or rebuild the whole pool on reconnect
 * @param parallelism       recoveries at once, 1..1024
 * @param maxRetries        failed dereg/alloc attempts before an MR is counted orphaned, 0..100
 * @param retryBackoffMin   first retry delay of one MR's recovery, &gt;= 0
 * @param retryBackoffMax   longest retry delay, &gt;= retryBackoffMin (both 0 = retry at once)
 * @param restartBackoffMin supervisor backoff when the Recovery actor fails, &gt; 0
 * @param restartBackoffMax longest supervisor backoff, &gt;= restartBackoffMin
 */
public record RecoverySettings(RecoveryStrategy strategy, int parallelism, int maxRetries, Duration retryBackoffMin,
                               Duration retryBackoffMax, Duration restartBackoffMin, Duration restartBackoffMax) {
    /** Where these keys live, for the messages that name a key. */
    public static final String PATH = TransportSettings.ROOT + ".recovery";

    /** Validates every value, naming the key, the value and the allowed range. */
    public RecoverySettings {
        SettingCheck.present(PATH + ".strategy", strategy);
        SettingCheck.between(PATH + ".parallelism", parallelism, 1, 1024);
        SettingCheck.between(PATH + ".max-retries", maxRetries, 0, 100);
        // A zero retry backoff is allowed (retry at once); the supervisor's backoff must be positive for Akka.
        SettingCheck.notNegative(PATH + ".retry-backoff-min", retryBackoffMin);
        SettingCheck.notNegative(PATH + ".retry-backoff-max", retryBackoffMax);
        SettingCheck.notAbove(PATH + ".retry-backoff-min", retryBackoffMin, "retry-backoff-max", retryBackoffMax);
        SettingCheck.positive(PATH + ".restart-backoff-min", restartBackoffMin);
        SettingCheck.positive(PATH + ".restart-backoff-max", restartBackoffMax);
        SettingCheck.notAbove(PATH + ".restart-backoff-min", restartBackoffMin, "restart-backoff-max",
                restartBackoffMax);
    }

    /** With another strategy. */
    public RecoverySettings withStrategy(RecoveryStrategy s) {
        return new RecoverySettings(s, parallelism, maxRetries, retryBackoffMin, retryBackoffMax, restartBackoffMin,
                restartBackoffMax);
    }

    /** With {@code n} recoveries at once. */
    public RecoverySettings withParallelism(int n) {
        return new RecoverySettings(strategy, n, maxRetries, retryBackoffMin, retryBackoffMax, restartBackoffMin,
                restartBackoffMax);
    }

    /** With {@code n} failed attempts before an MR is orphaned. */
    public RecoverySettings withMaxRetries(int n) {
        return new RecoverySettings(strategy, parallelism, n, retryBackoffMin, retryBackoffMax, restartBackoffMin,
                restartBackoffMax);
    }

    static RecoverySettings read(SettingsReader r) {
        return new RecoverySettings(
                r.getEnum(PATH + ".strategy", RecoveryStrategy.class),
                r.getInt(PATH + ".parallelism"),
                r.getInt(PATH + ".max-retries"),
                r.getDuration(PATH + ".retry-backoff-min"),
                r.getDuration(PATH + ".retry-backoff-max"),
                r.getDuration(PATH + ".restart-backoff-min"),
                r.getDuration(PATH + ".restart-backoff-max"));
    }
}
