package io.frwr.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Ipv4ChecksumTest {
    @Test
    void matchesTheTextbookExample() {
        // The widely published worked example (192.168.0.1 -> 192.168.0.199, UDP, TTL 64), checksum 0xb861.
        final byte[] header = PcapRecords.hex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xB861, Ipv4Checksum.compute(header, 0, 20));
    }

    @Test
    void headerWithItsChecksumInPlaceSumsToZero() {
        final byte[] header = PcapRecords.hex("456a0030000140004011b64ec0000202c0000201");
        assertEquals(0, Ipv4Checksum.compute(header, 0, 20));
    }

    @Test
    void everyEncodedFrameCarriesAValidHeaderChecksum() {
        final RoceFrameEncoder encoder = new RoceFrameEncoder();
        for (int i = 0; i < 300; i++) {   // IP identification and lengths vary across frames
            final RocePacket p = new RocePacket(0, i % 7, 200, 5, 6, IbOpcode.SEND_ONLY, true, i, null, null, 0,
                    new byte[i], 0, i);
            assertEquals(0, Ipv4Checksum.compute(encoder.encode(p), RoceFrameEncoder.ETHERNET_HEADER, 20));
        }
    }

    @Test
    void rejectsOddOrShortHeaders() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Checksum.compute(new byte[21], 0, 21));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Checksum.compute(new byte[16], 0, 16));
    }
}
