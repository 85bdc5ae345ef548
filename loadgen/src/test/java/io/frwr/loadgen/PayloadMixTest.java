package io.frwr.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadMixTest {
    @Test
    void oneSize() {
        final PayloadMix m = PayloadMix.parse("4k");
        assertEquals(List.of(new PayloadMix.Entry(4096, 1)), m.entries());
        assertEquals(4096, m.maxBytes());
        assertEquals("4k", m.toString());
    }

    @Test
    void sizesWithoutWeightsShareEqually() {
        final PayloadMix m = PayloadMix.parse("64k,1m");
        assertEquals(List.of(new PayloadMix.Entry(65536, 1), new PayloadMix.Entry(1 << 20, 1)), m.entries());
        assertEquals(1 << 20, m.maxBytes());
        assertEquals("64k:1,1m:1", m.toString());
    }

    @Test
    void weightedMixParsesAndPrintsCanonically() {
        final PayloadMix m = PayloadMix.parse(" 4k:70, 64k:25 ,1m:5");
        assertEquals(List.of(new PayloadMix.Entry(4096, 70), new PayloadMix.Entry(65536, 25),
                new PayloadMix.Entry(1 << 20, 5)), m.entries());
        assertEquals("4k:70,64k:25,1m:5", m.toString());
        assertEquals(m, PayloadMix.parse(m.toString()));
    }

    @Test
    void picksFollowTheWeights() {
        final PayloadMix m = PayloadMix.parse("4k:70,64k:25,1m:5");
        final SplittableRandom r = new SplittableRandom(42);
        final int n = 100_000;
        int small = 0;
        int medium = 0;
        int large = 0;
        for (int i = 0; i < n; i++) {
            switch (m.pick(r)) {
                case 4096 -> small++;
                case 65536 -> medium++;
                case 1 << 20 -> large++;
                default -> throw new AssertionError("picked a size not in the mix");
            }
        }
        // A fixed seed makes this exact; the bounds are ~10 standard deviations wide.
        assertTrue(Math.abs(small - 70_000) < 1_500, "4k picked " + small);
        assertTrue(Math.abs(medium - 25_000) < 1_400, "64k picked " + medium);
        assertTrue(Math.abs(large - 5_000) < 700, "1m picked " + large);
    }

    @Test
    void badMixesAreRefusedWithTheReason() {
        assertEquals("empty payload mix; write sizes (4k or 64k,1m) or size:weight pairs (4k:70,64k:25,1m:5)",
                assertThrows(IllegalArgumentException.class, () -> PayloadMix.parse(" ")).getMessage());
        assertEquals("'4k:1:2' is not size or size:weight (4k, 64k:25)",
                assertThrows(IllegalArgumentException.class, () -> PayloadMix.parse("4k:1:2")).getMessage());
        assertEquals("'' is not size or size:weight (4k, 64k:25)",
                assertThrows(IllegalArgumentException.class, () -> PayloadMix.parse("4k,")).getMessage());
        assertEquals("payload size 0 is outside 1..1m (NFS MAX_IO 1048576 bytes)",
                assertThrows(IllegalArgumentException.class, () -> PayloadMix.parse("0")).getMessage());
        assertEquals("weight in '4k:x' is not a whole number 1..1000000",
                assertThrows(IllegalArgumentException.class, () -> PayloadMix.parse("4k:x")).getMessage());
    }
}
