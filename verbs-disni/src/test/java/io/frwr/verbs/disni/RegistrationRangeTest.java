package io.frwr.verbs.disni;

import io.frwr.verbs.PageList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistrationRangeTest {
    @Test
    void touchingRangesBecomeOneRegistration() {
        final PageList pages = PageList.of(4096, false, new long[]{0x10800, 0x11000, 0x12000},
                new int[]{0x800, 0x1000, 0x100});
        assertEquals(new RegistrationRange(0x10800, 0x800 + 0x1000 + 0x100), RegistrationRange.of(pages));
    }

    @Test
    void oneRangeMidPageIsItsOwnRegistration() {
        final PageList pages = PageList.of(4096, false, new long[]{0x10123}, new int[]{77});
        assertEquals(new RegistrationRange(0x10123, 77), RegistrationRange.of(pages));
    }

    @Test
    void aGapIsRefusedNamingBothAddresses() {
        final PageList pages = PageList.of(4096, false, new long[]{0x10000, 0x30000}, new int[]{0x1000, 0x1000});
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistrationRange.of(pages));
        assertTrue(e.getMessage().contains("0x30000") && e.getMessage().contains("0x11000"), e.getMessage());
    }

    @Test
    void rangesOutOfOrderAreNotContiguous() {
        final PageList pages = PageList.of(4096, false, new long[]{0x11000, 0x10000}, new int[]{0x1000, 0x1000});
        assertThrows(IllegalArgumentException.class, () -> RegistrationRange.of(pages));
    }
}
