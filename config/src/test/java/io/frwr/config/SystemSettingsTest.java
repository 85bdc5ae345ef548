package io.frwr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SystemSettingsTest {

    @Test
    void defaultsComeFromReferenceConf() {
        assertEquals(new SystemSettings(4, false), SystemSettings.fromConfig(ConfigFactory.empty()));
        assertEquals(Duration.ofSeconds(10), TransportSettings.fromConfig(ConfigFactory.empty())
                .coordinatedShutdownTimeout());
        assertEquals(TransportSettings.DEFAULT_COORDINATED_SHUTDOWN_TIMEOUT,
                TransportSettings.fromConfig(ConfigFactory.empty()).coordinatedShutdownTimeout());
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheRange() {
        assertEquals("frwr-transport.blocking-verbs.threads = 2000: must be between 1 and 1024",
                assertThrows(SettingsException.class, () -> SystemSettings.fromConfig(ConfigFactory.parseString(
                        "frwr-transport.blocking-verbs.threads = 2000"))).getMessage());
        assertEquals("frwr-transport.sim.shared-fabric = \"sometimes\": must be on or off",
                assertThrows(SettingsException.class, () -> SystemSettings.fromConfig(ConfigFactory.parseString(
                        "frwr-transport.sim.shared-fabric = sometimes"))).getMessage());
        assertEquals("frwr-transport.coordinated-shutdown.timeout = 0s: must be greater than 0s",
                assertThrows(SettingsException.class, () -> TransportSettings.fromConfig(ConfigFactory.parseString(
                        "frwr-transport.coordinated-shutdown.timeout = 0s"))).getMessage());
    }

    @Test
    void createReadsTheActorSystemsConfiguration() throws Exception {
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "settings-test",
                ConfigFactory.parseString("frwr-transport { mr-pool.size = 24, blocking-verbs.threads = 2 }")
                        .withFallback(ConfigFactory.load()));
        try {
            assertEquals(24, TransportSettings.create(system).mrPool().size());
            assertEquals(2, SystemSettings.create(system).blockingVerbsThreads());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get();
        }
    }

    @Test
    void withCopiesChangeOneValueAndAreValidatedLikeConfig() {
        final TransportSettings d = TransportSettings.fromConfig(ConfigFactory.empty());
        final TransportSettings s = d.withMrPoolSize(64).withMaxFrmrDepth(32)
                .withWhenExhausted(WhenExhausted.WAIT, Duration.ofMillis(50))
                .withAcquireMode(AcquireMode.BATCH, 16)
                .withRecoveryStrategy(RecoveryStrategy.REBUILD_ON_RECONNECT).withRecoveryParallelism(2)
                .withRecoveryMaxRetries(0).withSendQueue(128, 16).withReceiveQueueDepth(64)
                .withRequestWait(Duration.ZERO).withProvider("disni")
                .withCoordinatedShutdownTimeout(Duration.ofSeconds(3));
        assertEquals(new MrPoolSettings(64, 32, WhenExhausted.WAIT, Duration.ofMillis(50), AcquireMode.BATCH, 16),
                s.mrPool());
        assertEquals(d.recovery().withStrategy(RecoveryStrategy.REBUILD_ON_RECONNECT).withParallelism(2)
                .withMaxRetries(0), s.recovery());
        assertEquals(new QueueSettings(128, 16, 64), s.queues());
        assertEquals(Duration.ZERO, s.connection().requestWait());
        assertEquals(d.connection().reconnect(), s.connection().reconnect());
        assertEquals("disni", s.provider());
        assertEquals(Duration.ofSeconds(3), s.coordinatedShutdownTimeout());
        assertEquals(d, d.withMrPoolSize(256), "unchanged values compare equal");

        assertEquals("frwr-transport.mr-pool.batch-size = 16: must be between 1 and size (8)",
                assertThrows(SettingsException.class, () -> s.withMrPoolSize(8)).getMessage());
        assertEquals("frwr-transport.mr-pool.max-frmr-depth = 0: must be between 1 and 65536",
                assertThrows(SettingsException.class, () -> d.withMaxFrmrDepth(0)).getMessage());
        assertEquals("frwr-transport.provider = \"rxe\": must be one of sim, disni",
                assertThrows(SettingsException.class, () -> d.withProvider("rxe")).getMessage());
    }
}
