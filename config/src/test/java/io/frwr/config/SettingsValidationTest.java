package io.frwr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key's bad value fails with a message naming the full key path, the value and what is allowed. */
class SettingsValidationTest {

    private static SettingsException rejected(String hocon) {
        return assertThrows(SettingsException.class,
                () -> TransportSettings.fromConfig(ConfigFactory.parseString(hocon)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            provider = rdma-cm                  | frwr-transport.provider = "rdma-cm": must be one of sim, disni
            mr-pool.size = 0                    | frwr-transport.mr-pool.size = 0: must be between 1 and 16777216
            mr-pool.size = 16777217             | frwr-transport.mr-pool.size = 16777217: must be between 1 and 16777216
            mr-pool.size = lots                 | frwr-transport.mr-pool.size = "lots": must be an integer
            mr-pool.size = 1.5                  | frwr-transport.mr-pool.size = 1.5: must be an integer
            mr-pool.size = 99999999999          | frwr-transport.mr-pool.size = 99999999999: must be a 32-bit integer
            mr-pool.size = null                 | frwr-transport.mr-pool.size = null: must be an integer
            mr-pool.max-frmr-depth = 0          | frwr-transport.mr-pool.max-frmr-depth = 0: must be between 1 and 65536
            mr-pool.max-frmr-depth = 65537      | frwr-transport.mr-pool.max-frmr-depth = 65537: must be between 1 and 65536
            mr-pool.when-exhausted = block      | frwr-transport.mr-pool.when-exhausted = "block": must be one of fail, wait
            mr-pool.acquire-timeout = 0s        | frwr-transport.mr-pool.acquire-timeout = 0s: must be greater than 0s
            mr-pool.acquire-timeout = soon      | frwr-transport.mr-pool.acquire-timeout = "soon": must be a duration such as 100ms, 5s or 1m
            mr-pool.acquire-mode = bulk         | frwr-transport.mr-pool.acquire-mode = "bulk": must be one of per-chunk, batch
            mr-pool.batch-size = 0              | frwr-transport.mr-pool.batch-size = 0: must be between 1 and 16777216
            'mr-pool { acquire-mode = batch, batch-size = 257 }' | frwr-transport.mr-pool.batch-size = 257: must be between 1 and size (256)
            recovery.strategy = eager           | frwr-transport.recovery.strategy = "eager": must be one of per-mr, rebuild-on-reconnect
            recovery.parallelism = 0            | frwr-transport.recovery.parallelism = 0: must be between 1 and 1024
            recovery.parallelism = 1025         | frwr-transport.recovery.parallelism = 1025: must be between 1 and 1024
            recovery.max-retries = -1           | frwr-transport.recovery.max-retries = -1: must be between 0 and 100
            recovery.max-retries = 101          | frwr-transport.recovery.max-retries = 101: must be between 0 and 100
            recovery.retry-backoff-min = -1ms   | frwr-transport.recovery.retry-backoff-min = -1ms: must not be negative
            recovery.retry-backoff-min = 2s     | frwr-transport.recovery.retry-backoff-min = 2s: must not exceed retry-backoff-max (1s)
            recovery.retry-backoff-max = -1s    | frwr-transport.recovery.retry-backoff-max = -1s: must not be negative
            recovery.retry-backoff-max = 5ms    | frwr-transport.recovery.retry-backoff-min = 10ms: must not exceed retry-backoff-max (5ms)
            recovery.restart-backoff-min = 0s   | frwr-transport.recovery.restart-backoff-min = 0s: must be greater than 0s
            recovery.restart-backoff-min = 6s   | frwr-transport.recovery.restart-backoff-min = 6s: must not exceed restart-backoff-max (5s)
            recovery.restart-backoff-max = 50ms | frwr-transport.recovery.restart-backoff-min = 100ms: must not exceed restart-backoff-max (50ms)
            send-queue.depth = 0                | frwr-transport.send-queue.depth = 0: must be between 1 and 65536
            send-queue.depth = 65537            | frwr-transport.send-queue.depth = 65537: must be between 1 and 65536
            send-queue.signal-interval = 0      | frwr-transport.send-queue.signal-interval = 0: must be between 1 and depth (1024)
            send-queue.signal-interval = 1025   | frwr-transport.send-queue.signal-interval = 1025: must be between 1 and depth (1024)
            receive-queue.depth = 0             | frwr-transport.receive-queue.depth = 0: must be between 1 and 65536
            receive-queue.depth = 65537         | frwr-transport.receive-queue.depth = 65537: must be between 1 and 65536
            connection.connect-timeout = 0s     | frwr-transport.connection.connect-timeout = 0s: must be greater than 0s
            connection.drain-timeout = -5s      | frwr-transport.connection.drain-timeout = -5s: must be greater than 0s
            connection.request-wait = -1ms      | frwr-transport.connection.request-wait = -1ms: must not be negative
            connection.request-queue-limit = -1 | frwr-transport.connection.request-queue-limit = -1: must be between 0 and 16777216
            connection.request-queue-limit = x  | frwr-transport.connection.request-queue-limit = "x": must be an integer
            connection.reconnect.min-backoff = 0s        | frwr-transport.connection.reconnect.min-backoff = 0s: must be greater than 0s
            connection.reconnect.min-backoff = 10s       | frwr-transport.connection.reconnect.min-backoff = 10s: must not exceed max-backoff (5s)
            connection.reconnect.max-backoff = 0s        | frwr-transport.connection.reconnect.max-backoff = 0s: must be greater than 0s
            connection.reconnect.random-factor = 1.5     | frwr-transport.connection.reconnect.random-factor = 1.5: must be between 0.0 and 1.0
            connection.reconnect.random-factor = -0.1    | frwr-transport.connection.reconnect.random-factor = -0.1: must be between 0.0 and 1.0
            connection.reconnect.random-factor = high    | frwr-transport.connection.reconnect.random-factor = "high": must be a number
            connection.reconnect.max-restarts = -2       | frwr-transport.connection.reconnect.max-restarts = -2: must be between -1 and 2147483647
            connection.reconnect.max-restarts-within = 0 | frwr-transport.connection.reconnect.max-restarts-within = 0s: must be greater than 0s
            """)
    void badValueNamesKeyValueAndAllowedRange(String override, String expectedMessage) {
        assertEquals(expectedMessage, rejected("frwr-transport." + override).getMessage());
    }

    @Test
    void aSectionThatIsNotABlockNamesTheKey() {
        final SettingsException e = rejected("frwr-transport.mr-pool = 5");

        assertEquals("frwr-transport.mr-pool.size is missing: frwr-transport.mr-pool = 5 must be a block of settings",
                e.getMessage());
    }

    @Test
    void batchSizeAboveSizeIsIgnoredOutsideBatchMode() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.parseString(
                "frwr-transport.mr-pool { size = 4, batch-size = 64 }"));

        assertEquals(4, s.mrPool().size());
    }

    @Test
    void recordsBuiltInCodeAreHeldToTheSameRules() {
        final SettingsException e = assertThrows(SettingsException.class,
                () -> new QueueSettings(16, 32, 128));

        assertEquals("frwr-transport.send-queue.signal-interval = 32: must be between 1 and depth (16)", e.getMessage());
    }

    @Test
    void aMissingSectionInCodeIsNamed() {
        final SettingsException e = assertThrows(SettingsException.class,
                () -> new ConnectionSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 0, null));

        assertEquals("frwr-transport.connection.reconnect is missing", e.getMessage());
    }
}
