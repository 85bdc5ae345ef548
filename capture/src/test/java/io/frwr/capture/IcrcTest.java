package io.frwr.capture;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IcrcTest {
    /*
     * Frame 14 of CaptureFixture at MTU 4096: RC SEND_ONLY, 18-byte payload, pad count 2, 192.0.2.1 -> 192.0.2.2.
     * Its ICRC a5 32 15 0e was checked two ways: tshark 4.0.17 decodes the frame through the BTH with no error
     * (it does not verify ICRCs), and scapy 2.5's RoCE layer (scapy.contrib.roce, an independent implementation
     * of the annex A17 masking) recomputes the same four bytes for every frame of the fixture.
     */
    private static final String KNOWN_GOOD_FRAME = "0200000000020200000000010800456a0040000d40004011b632c0000201c0000202"
            + "d92a12b7002c00000460ffff00000012800000016e6f7420616e20525043206d6573736167650000" + "a532150e";

    private static int icrcOf(byte[] frame) {
        return Icrc.compute(frame, RoceFrameEncoder.ETHERNET_HEADER, frame.length - Icrc.LENGTH);
    }

    @Test
    void matchesAKnownGoodPacketAndGoesOnTheWireLittleEndian() {
        assertEquals(0x0E15_32A5, icrcOf(PcapRecords.hex(KNOWN_GOOD_FRAME)));
    }

    @Test
    void variantFieldsAreMaskedOut() {
        final byte[] frame = PcapRecords.hex(KNOWN_GOOD_FRAME);
        final int good = icrcOf(frame);
        final int ip = RoceFrameEncoder.ETHERNET_HEADER;
        final int[] variant = {ip + 1, ip + 8, ip + 10, ip + 11, ip + 26, ip + 27, RoceFrameEncoder.BTH_OFFSET + 4};
        for (int offset : variant) {
            final byte[] routed = frame.clone();
            routed[offset] ^= (byte) 0xC3;   // a router rewrote TOS/ECN, TTL, checksums or set FECN/BECN
            assertEquals(good, icrcOf(routed), "byte " + offset + " is variant and must not change the ICRC");
        }
    }

    @Test
    void invariantFieldsAreCovered() {
        final byte[] frame = PcapRecords.hex(KNOWN_GOOD_FRAME);
        final int good = icrcOf(frame);
        final int ip = RoceFrameEncoder.ETHERNET_HEADER;
        final int bth = RoceFrameEncoder.BTH_OFFSET;
        // IP identification and source address, UDP ports, BTH opcode, dest QP and PSN, payload and pad.
        final int[] invariant = {ip + 4, ip + 12, ip + 20, ip + 22, bth, bth + 7, bth + 11, bth + 12,
                frame.length - Icrc.LENGTH - 1};
        for (int offset : invariant) {
            final byte[] corrupted = frame.clone();
            corrupted[offset] ^= 1;
            assertNotEquals(good, icrcOf(corrupted), "byte " + offset + " must be covered by the ICRC");
        }
        // The Ethernet header is not covered: RoCEv2 is routable.
        final byte[] otherMac = frame.clone();
        Arrays.fill(otherMac, 0, 12, (byte) 0x5A);
        assertEquals(good, icrcOf(otherMac));
    }
}
