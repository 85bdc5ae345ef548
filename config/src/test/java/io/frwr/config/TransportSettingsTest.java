package io.frwr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {

    @Test
    void defaultsComeFromReferenceConf() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.empty());

        assertEquals("sim", s.provider());
        assertEquals(new MrPoolSettings(256, 256, WhenExhausted.FAIL, Duration.ofMillis(100), AcquireMode.PER_CHUNK,
                64), s.mrPool());
        assertEquals(new RecoverySettings(RecoveryStrategy.PER_MR, 4, 3, Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofSeconds(5)), s.recovery());
        assertEquals(new QueueSettings(1024, 32, 128), s.queues());
        assertEquals(new ConnectionSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), 10000,
                new ReconnectSettings(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2, 10, Duration.ofMinutes(1))),
                s.connection());
    }

    @Test
    void loadFindsTheSameDefaults() {
        assertEquals(TransportSettings.fromConfig(ConfigFactory.empty()), TransportSettings.load());
    }

    @Test
    void overridesReplaceOnlyTheKeysGiven() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.parseString("""
                frwr-transport.mr-pool.size = 8
                frwr-transport.mr-pool.when-exhausted = wait
                frwr-transport.connection.reconnect.max-restarts = -1
                """));

        assertEquals(8, s.mrPool().size());
        assertEquals(WhenExhausted.WAIT, s.mrPool().whenExhausted());
        assertTrue(s.connection().reconnect().unlimitedRestarts());
        assertEquals(256, s.mrPool().maxFrmrDepth(), "untouched key keeps its default");
        assertEquals(64, s.mrPool().batchSize(), "per-chunk mode ignores batch-size, so it may exceed size");
    }

    @Test
    void aFullConfigParses() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.parseString("""
                frwr-transport {
                  provider = disni
                  mr-pool {
                    size = 1024
                    max-frmr-depth = 16
                    when-exhausted = wait
                    acquire-timeout = 250ms
                    acquire-mode = batch
                    batch-size = 1024
                  }
                  recovery {
                    strategy = rebuild-on-reconnect
                    parallelism = 1
                    max-retries = 0
                    retry-backoff-min = 0s
                    retry-backoff-max = 0s
                    restart-backoff-min = 1s
                    restart-backoff-max = 1s
                  }
                  send-queue {
                    depth = 64
                    signal-interval = 64
                  }
                  receive-queue.depth = 65536
                  connection {
                    connect-timeout = 30s
                    drain-timeout = 1s
                    request-wait = 0s
                    request-queue-limit = 0
                    reconnect {
                      min-backoff = 1ms
                      max-backoff = 1h
                      random-factor = 1.0
                      max-restarts = 0
                      max-restarts-within = 1d
                    }
                  }
                }
                """));

        assertEquals(new TransportSettings("disni",
                new MrPoolSettings(1024, 16, WhenExhausted.WAIT, Duration.ofMillis(250), AcquireMode.BATCH, 1024),
                new RecoverySettings(RecoveryStrategy.REBUILD_ON_RECONNECT, 1, 0, Duration.ZERO, Duration.ZERO,
                        Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new QueueSettings(64, 64, 65536),
                new ConnectionSettings(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ZERO, 0,
                        new ReconnectSettings(Duration.ofMillis(1), Duration.ofHours(1), 1.0, 0, Duration.ofDays(1)))),
                s);
        assertFalse(s.connection().reconnect().unlimitedRestarts());
    }

    @Test
    void anActorSystemStyleConfigWithOtherRootsIsRead() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.parseString("""
                akka.loglevel = DEBUG
                frwr-transport.recovery.parallelism = 16
                """).withFallback(ConfigFactory.load()));

        assertEquals(16, s.recovery().parallelism());
    }

    @Test
    void wholeNumberWrittenAsDecimalIsAccepted() {
        final TransportSettings s = TransportSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport.mr-pool.size = 512.0"));

        assertEquals(512, s.mrPool().size());
    }

    @Test
    void deviceCapsApply() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.empty());

        assertEquals(16, s.mrPool().frmrDepthFor(16));
        assertEquals(256, s.mrPool().frmrDepthFor(4096));
        assertEquals(100, s.queues().sendQueueDepthFor(100));
        assertEquals(1024, s.queues().sendQueueDepthFor(16384));
        assertEquals(16, s.queues().signalIntervalFor(16), "signal interval never longer than the capped SQ");
        assertEquals(32, s.queues().signalIntervalFor(16384));
        assertEquals(64, s.queues().receiveQueueDepthFor(64));
    }
}
