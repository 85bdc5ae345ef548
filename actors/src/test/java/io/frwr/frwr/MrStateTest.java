package io.frwr.frwr;

import static io.frwr.frwr.MrState.INVALID;
import static io.frwr.frwr.MrState.STALE;
import static io.frwr.frwr.MrState.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MrStateTest {

    /** The whole legal table; every (state, event) pair not in it must throw. */
    private static final Map<MrState, Map<MrEvent, MrState>> LEGAL = new EnumMap<>(MrState.class);

    static {
        for (MrState s : MrState.values()) {
            LEGAL.put(s, new EnumMap<>(MrEvent.class));
            LEGAL.get(s).put(MrEvent.RECOVERED, INVALID);
        }
        LEGAL.get(INVALID).put(MrEvent.MAP, VALID);
        LEGAL.get(VALID).put(MrEvent.UNMAP, INVALID);
        LEGAL.get(VALID).put(MrEvent.REMOTE_INVALIDATED, INVALID);
        LEGAL.get(VALID).put(MrEvent.FAST_REG_FLUSHED, STALE);
        LEGAL.get(INVALID).put(MrEvent.LOCAL_INV_FLUSHED, STALE);
        LEGAL.get(VALID).put(MrEvent.POST_FAILED, STALE);
        LEGAL.get(INVALID).put(MrEvent.POST_FAILED, STALE);
    }

    @Test
    void everyStateEventPairFollowsTheTable() {
        int legal = 0;
        for (MrState from : MrState.values()) {
            for (MrEvent event : MrEvent.values()) {
                final MrState expected = LEGAL.get(from).get(event);
                if (expected != null) {
                    assertEquals(expected, MrState.next(from, event), from + " + " + event);
                    legal++;
                } else {
                    final IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> MrState.next(from, event), from + " + " + event);
                    assertEquals("MR in state " + from + " cannot take event " + event, e.getMessage());
                }
            }
        }
        assertEquals(10, legal, "7 named transitions plus RECOVERED from each of 3 states");
    }

    @Test
    void aStaleMrCanOnlyBeRecovered() {
        for (MrEvent event : MrEvent.values()) {
            if (event != MrEvent.RECOVERED) {
                assertThrows(IllegalStateException.class, () -> MrState.next(STALE, event), event.name());
            }
        }
    }

    @Test
    void theNormalCycleAndTheFlushPath() {
        MrState s = INVALID;
        s = MrState.next(s, MrEvent.MAP);
        s = MrState.next(s, MrEvent.UNMAP);
        assertEquals(INVALID, s);
        s = MrState.next(s, MrEvent.MAP);
        s = MrState.next(s, MrEvent.FAST_REG_FLUSHED);
        assertEquals(STALE, s);
        assertEquals(INVALID, MrState.next(s, MrEvent.RECOVERED));
    }

    @Test
    void onlyAnInvalidMrCanBeFastRegistered() {
        assertTrue(INVALID.canFastRegister());
        assertFalse(VALID.canFastRegister());
        assertFalse(STALE.canFastRegister());
    }
}
