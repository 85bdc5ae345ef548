package io.frwr.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapFormatTest {
    @Test
    void globalHeaderIsNanosecondPcapV24OfEthernet() {
        assertArrayEquals(PcapRecords.hex(
                "4d3cb2a1" + "0200" + "0400"     // nanosecond magic (little-endian), version 2.4
                        + "00000000" + "00000000" // thiszone, sigfigs
                        + "ffff0000"              // snaplen 65535
                        + "01000000"),            // LINKTYPE_ETHERNET
                PcapFormat.globalHeader());
    }

    @Test
    void recordHeaderSplitsTimeIntoSecondsAndNanoseconds() {
        assertArrayEquals(PcapRecords.hex("02000000" + "7bcd5b07" + "3e000000" + "3e000000"),
                PcapFormat.recordHeader(2_123_456_891L, 62));
    }

    @Test
    void rejectsNegativeTimeAndOversizedFrames() {
        final IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
                () -> PcapFormat.recordHeader(-1, 62));
        assertTrue(time.getMessage().contains("-1"), time.getMessage());
        final IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> PcapFormat.recordHeader(0, 70_000));
        assertTrue(length.getMessage().contains("0..65535"), length.getMessage());
    }
}
