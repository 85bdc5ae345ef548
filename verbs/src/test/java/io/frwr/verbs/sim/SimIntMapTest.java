package io.frwr.verbs.sim;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SimIntMapTest {

    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        final SimIntMap<Integer> m = new SimIntMap<>();
        final Map<Integer, Integer> ref = new HashMap<>();
        final SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            final int k = 1 + r.nextInt(2_000);
            switch (r.nextInt(3)) {
                case 0 -> {
                    m.put(k, i);
                    ref.put(k, i);
                }
                case 1 -> assertEquals(ref.remove(k), m.remove(k));
                default -> assertEquals(ref.get(k), m.get(k));
            }
            assertEquals(ref.size(), m.size());
        }
        final Map<Integer, Integer> seen = new HashMap<>();
        m.forEachValue(v -> seen.merge(v, 1, Integer::sum));
        assertEquals(ref.size(), seen.size());
        for (int k : ref.keySet()) {
            assertEquals(ref.get(k), m.get(k));
        }
        assertNull(m.get(999_999));
    }
}
