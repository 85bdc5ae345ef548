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
            // After a flush, a retired registration or deregistration the hardware state is unknown or gone.
            for (MrEvent e : new MrEvent[] {MrEvent.FAST_REG_FLUSHED, MrEvent.LOCAL_INV_FLUSHED, MrEvent.RETIRED,
                    MrEvent.DEREGISTERED}) {
                LEGAL.get(s).put(e, STALE);
            }
        }
        LEGAL.get(STALE).put(MrEvent.RECOVERED, INVALID);
        LEGAL.get(INVALID).put(MrEvent.MAP, VALID);
        LEGAL.get(VALID).put(MrEvent.UNMAP, INVALID);
        LEGAL.get(VALID).put(MrEvent.REMOTE_INVALIDATED, INVALID);
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
        assertEquals(18, legal, "4 events to STALE from each of 3 states, RECOVERED from STALE, 5 named ones");
    }

    @Test
    void aStaleMrCanOnlyBeRecoveredOrStayStale() {
        for (MrEvent event : new MrEvent[] {MrEvent.MAP, MrEvent.UNMAP, MrEvent.REMOTE_INVALIDATED, MrEvent.POST_FAILED}) {
            {
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
        s = MrState.next(s, MrEvent.DEREGISTERED);
        assertEquals(INVALID, MrState.next(s, MrEvent.RECOVERED));
        assertThrows(IllegalStateException.class, () -> MrState.next(INVALID, MrEvent.RECOVERED),
                "only a deregistered (STALE) slot takes a fresh MR");
    }

    @Test
    void onlyAnInvalidMrCanBeFastRegistered() {
        assertTrue(INVALID.canFastRegister());
        assertFalse(VALID.canFastRegister());
        assertFalse(STALE.canFastRegister());
    }
}
