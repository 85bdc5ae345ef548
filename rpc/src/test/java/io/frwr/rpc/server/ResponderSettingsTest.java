package io.frwr.rpc.server;

import com.typesafe.config.ConfigFactory;
import io.frwr.config.SettingsException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResponderSettingsTest {
    @Test
    void referenceConfHoldsTheSameValuesAsDefaults() {
        assertEquals(ResponderSettings.defaults(), ResponderSettings.fromConfig(ConfigFactory.empty()));
    }

    @Test
    void sizesAndLimitsAreReadFromHocon() {
        final ResponderSettings s = ResponderSettings.fromConfig(ConfigFactory.parseString(
                "frwr-transport.responder { credits = 8, max-call-payload = 64KiB, max-reply-payload = 2MiB,"
                        + " max-read-segments = 4, service-time = 5ms }"));
        assertEquals(8, s.credits());
        assertEquals(64 * 1024, s.maxCallPayload());
        assertEquals(2 << 20, s.maxReplyPayload());
        assertEquals(4, s.decodeLimits().maxReadSegments());
        assertEquals(64 * 1024, s.decodeLimits().maxReadBytes());
    }

    @Test
    void anOutOfRangeValueNamesTheKeyTheValueAndTheRange() {
        final SettingsException e = assertThrows(SettingsException.class, () -> ResponderSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport.responder.max-call-payload = 1k")));
        assertEquals("frwr-transport.responder.max-call-payload = 1024: must be between 4096 and 268435456",
                e.getMessage());
    }

    @Test
    void aMistypedValueNamesTheKeyAndWhatWasWritten() {
        final SettingsException e = assertThrows(SettingsException.class, () -> ResponderSettings.fromConfig(
                ConfigFactory.parseString("frwr-transport.responder.credits = lots")));
        assertEquals("frwr-transport.responder.credits = \"lots\": must be an integer", e.getMessage());
    }

    @Test
    void theConnectionMemoryBoundWithTheDefaultsIsAbout65MiB() {
        // 2 x 32 x 4 KiB of slots, 32 calls of 1040 KiB being served, 32 replies of 1040 KiB on the wire.
        assertEquals(2L * 32 * 4096 + 2L * 32 * 1064960, ResponderSettings.defaults().connectionMemoryBound());
    }
}
