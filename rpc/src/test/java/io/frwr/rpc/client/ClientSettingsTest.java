package io.frwr.rpc.client;

import com.typesafe.config.ConfigFactory;
import io.frwr.config.SettingsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientSettingsTest {

    @Test
    void referenceConfHoldsTheDefaults() {
        assertEquals(ClientSettings.defaults(), ClientSettings.fromConfig(ConfigFactory.empty()));
    }

    @Test
    void overridesAreReadFromHoconWithSizesAndDurations() {
        final ClientSettings s = ClientSettings.fromConfig(ConfigFactory.parseString("""
                frwr-transport.rpc-client {
                  inline-threshold = 8KiB
                  max-credits = 64
                  max-retransmits = 0
                  call-timeout = 250ms
                  queue-limit = 0
                  remote-invalidation = off
                }
                """));
        assertEquals(new ClientSettings(8192, 64, 0, Duration.ofMillis(250), 0, false), s);
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndTheRange() {
        assertEquals("frwr-transport.rpc-client.max-credits = 0: must be between 1 and 1024", refusal("max-credits = 0"));
        assertEquals("frwr-transport.rpc-client.max-retransmits = 101: must be between 0 and 100",
                refusal("max-retransmits = 101"));
        assertEquals("frwr-transport.rpc-client.queue-limit = -1: must be between 0 and 16777216",
                refusal("queue-limit = -1"));
        assertEquals("frwr-transport.rpc-client.inline-threshold = 1500: must be a multiple of 1024 between 1024"
                + " and 262144 bytes", refusal("inline-threshold = 1500"));
        assertEquals("frwr-transport.rpc-client.call-timeout = 0ms: must be greater than 0s",
                refusal("call-timeout = 0s"));
        assertEquals("frwr-transport.rpc-client.call-timeout = \"soon\": must be a duration such as 100ms, 5s or 1m",
                refusal("call-timeout = soon"));
        assertEquals("frwr-transport.rpc-client.remote-invalidation = 2: must be on or off",
                refusal("remote-invalidation = 2"));
    }

    @Test
    void settingsBuiltInCodeAreHeldToTheSameRules() {
        final SettingsException e = assertThrows(SettingsException.class,
                () -> ClientSettings.defaults().withMaxCredits(2000));
        assertEquals("frwr-transport.rpc-client.max-credits = 2000: must be between 1 and 1024", e.getMessage());
    }

    private static String refusal(String line) {
        return assertThrows(SettingsException.class, () -> ClientSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport.rpc-client." + line))).getMessage();
    }
}
