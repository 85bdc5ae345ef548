package io.frwr.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void usesTheLargestExactUnit() {
        assertEquals("0s", DurationText.of(Duration.ZERO));
        assertEquals("1m", DurationText.of(Duration.ofSeconds(60)));
        assertEquals("90s", DurationText.of(Duration.ofSeconds(90)));
        assertEquals("1500ms", DurationText.of(Duration.ofMillis(1500)));
        assertEquals("-1ms", DurationText.of(Duration.ofMillis(-1)));
        assertEquals("2d", DurationText.of(Duration.ofDays(2)));
        assertEquals("3h", DurationText.of(Duration.ofHours(3)));
        assertEquals("7us", DurationText.of(Duration.ofNanos(7_000)));
        assertEquals("7ns", DurationText.of(Duration.ofNanos(7)));
    }
}
