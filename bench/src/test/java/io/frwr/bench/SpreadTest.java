package io.frwr.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpreadTest {
    @Test
    void oddAndEvenCountsGiveTheMiddle() {
        assertEquals(new Spread(1, 3, 9, 3), Spread.of(9, 1, 3));
        assertEquals(new Spread(1, 2.5, 4, 4), Spread.of(4, 1, 3, 2));
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, Spread::of);
    }
}
