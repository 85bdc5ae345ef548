package io.frwr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownKeysTest {

    @Test
    void aTypoIsReportedWithTheNearestKnownKey() {
        assertEquals(List.of("unknown key frwr-transport.mr-pool.szie; did you mean mr-pool.size?"),
                UnknownKeys.find(ConfigFactory.parseString("frwr-transport.mr-pool.szie = 64")));
        assertEquals(List.of("unknown key frwr-transport.recovery.paralellism; did you mean recovery.parallelism?"),
                UnknownKeys.find(ConfigFactory.parseString("frwr-transport.recovery.paralellism = 2")));
        assertEquals(List.of("unknown key frwr-transport.rpc-client.max-credit; did you mean rpc-client.max-credits?"),
                UnknownKeys.find(ConfigFactory.parseString("frwr-transport.rpc-client.max-credit = 2")));
    }

    @Test
    void aKeyNothingLikeAnyKnownOneIsReportedWithoutAGuess() {
        assertEquals(List.of("unknown key frwr-transport.colour (reference.conf has no such key)"),
                UnknownKeys.find(ConfigFactory.parseString("frwr-transport.colour = blue")));
    }

    @Test
    void knownKeysOfEveryBlockAndKeysOutsideFrwrTransportAreNotReported() {
        assertEquals(List.of(), UnknownKeys.find(ConfigFactory.parseString("""
                frwr-transport { mr-pool.size = 8, responder.credits = 4, rpc-client.max-credits = 4,
                  blocking-verbs.threads = 2, sim.shared-fabric = on, coordinated-shutdown.timeout = 1s,
                  strict-keys = off }
                akka.loglevel = INFO
                """)));
        assertEquals(List.of(), UnknownKeys.find(ConfigFactory.load()));
    }

    @Test
    void byDefaultAnUnknownKeyIsAWarningAndTheSettingsAreRead() {
        final TransportSettings s = TransportSettings.fromConfig(ConfigFactory.parseString(
                "frwr-transport { mr-pool.szie = 64, mr-pool.size = 32 }"));
        assertEquals(32, s.mrPool().size());
    }

    @Test
    void withStrictKeysAnUnknownKeyStopsStartUpNamingEveryOne() {
        final SettingsException e = assertThrows(SettingsException.class, () -> TransportSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport { strict-keys = on, mr-pool.szie = 64, colour = blue }")));
        assertEquals("unknown key frwr-transport.colour (reference.conf has no such key)"
                + " / unknown key frwr-transport.mr-pool.szie; did you mean mr-pool.size?"
                + " (frwr-transport.strict-keys = on)", e.getMessage());
    }

    @Test
    void strictKeysMustBeOnOrOff() {
        final SettingsException e = assertThrows(SettingsException.class, () -> TransportSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport { strict-keys = maybe, colour = blue }")));
        assertTrue(e.getMessage().startsWith("frwr-transport.strict-keys = \"maybe\": must be on or off"),
                e.getMessage());
    }

    @Test
    void aSwapOfNeighbouringLettersIsOneEdit() {
        assertEquals(1, UnknownKeys.distance("szie", "size"));
        assertEquals(0, UnknownKeys.distance("size", "size"));
        assertEquals(3, UnknownKeys.distance("", "abc"));
    }
}
