package io.frwr.capture;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.frwr.capture.RoceFrameEncoder.BTH_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoceFrameEncoderTest {
    private static final int EXT = BTH_OFFSET + RoceFrameEncoder.BTH;

    private static RocePacket packet(IbOpcode opcode, boolean ackRequest, int psn, Reth reth, Aeth aeth, int ieth,
                                     byte[] payload) {
        return new RocePacket(0, 3, 4, 0x42, 0xABCDEF, opcode, ackRequest, psn, reth, aeth, ieth, payload, 0,
                payload.length);
    }

    private static ByteBuffer encode(RocePacket p) {
        return ByteBuffer.wrap(new RoceFrameEncoder().encode(p));
    }

    @Test
    void ethernetIpv4AndUdpHeadersAreThoseOfRoceV2() {
        final ByteBuffer f = encode(packet(IbOpcode.SEND_ONLY, true, 7, null, null, 0, new byte[40]));
        final byte[] frame = f.array();
        assertArrayEquals(PcapRecords.hex("020000000005"), java.util.Arrays.copyOfRange(frame, 0, 6));
        assertArrayEquals(PcapRecords.hex("020000000004"), java.util.Arrays.copyOfRange(frame, 6, 12));
        assertEquals(0x0800, f.getShort(12));
        assertEquals(0x45, frame[14]);
        assertEquals(frame.length - 14, f.getShort(16));            // IP total length
        assertEquals(0x4000, f.getShort(20));                      // DF, no fragment offset
        assertEquals(64, frame[22]);                               // TTL
        assertEquals(17, frame[23]);                               // UDP
        assertArrayEquals(PcapRecords.hex("c0000204c0000205"), java.util.Arrays.copyOfRange(frame, 26, 34));
        final int sport = f.getShort(34) & 0xFFFF;
        assertTrue(sport >= 0xC000, "RoCEv2 source port from the dynamic range, was " + sport);
        assertEquals(sport, FabricAddressing.udpSourcePort(0x42, 0xABCDEF));
        assertEquals(4791, f.getShort(36) & 0xFFFF);
        assertEquals(frame.length - 34, f.getShort(38));           // UDP length
        assertEquals(0, f.getShort(40));                           // UDP checksum off
        assertEquals(BTH_OFFSET + 12 + 40 + 4, frame.length);
    }

    @Test
    void bthFieldsAreWhereTheSpecPutsThem() {
        final ByteBuffer f = encode(packet(IbOpcode.SEND_ONLY, true, 0x123456, null, null, 0, new byte[40]));
        assertEquals(0x04, f.get(BTH_OFFSET));                      // RC SEND_ONLY
        assertEquals(0x40, f.get(BTH_OFFSET + 1));                  // SE 0, MigReq 1, pad 0, TVer 0
        assertEquals((short) 0xFFFF, f.getShort(BTH_OFFSET + 2));   // default P_Key
        assertEquals(0x00ABCDEF, f.getInt(BTH_OFFSET + 4));         // FECN/BECN/resv 0, dest QP
        assertEquals(0x80123456, f.getInt(BTH_OFFSET + 8));         // AckReq, PSN
        final ByteBuffer noAck = encode(packet(IbOpcode.SEND_MIDDLE, false, 5, null, null, 0, new byte[40]));
        assertEquals(5, noAck.getInt(BTH_OFFSET + 8));
    }

    @Test
    void rethFollowsTheBthOnWriteFirst() {
        final ByteBuffer f = encode(packet(IbOpcode.RDMA_WRITE_FIRST, false, 0,
                new Reth(0x0123_4567_89AB_CDEFL, 0x0000_1203, 10_000), null, 0, new byte[64]));
        assertEquals(0x06, f.get(BTH_OFFSET));
        assertEquals(0x0123_4567_89AB_CDEFL, f.getLong(EXT));
        assertEquals(0x1203, f.getInt(EXT + 8));
        assertEquals(10_000, f.getInt(EXT + 12));
        assertEquals(0x00, f.get(EXT + 16));                         // payload starts right after
        assertEquals(BTH_OFFSET + 12 + 16 + 64 + 4, f.capacity());
    }

    @Test
    void aethFollowsTheBthOnReadResponseAndAcknowledge() {
        final ByteBuffer response = encode(packet(IbOpcode.RDMA_READ_RESPONSE_FIRST, false, 9, null,
                new Aeth(0x1F, 0x00_0A0B), 0, new byte[8]));
        assertEquals(0x0D, response.get(BTH_OFFSET));
        assertEquals(0x1F00_0A0B, response.getInt(EXT));
        final ByteBuffer nak = encode(packet(IbOpcode.ACKNOWLEDGE, false, 9, null,
                new Aeth(0x62, 3), 0, new byte[0]));
        assertEquals(0x11, nak.get(BTH_OFFSET));
        assertEquals(0x6200_0003, nak.getInt(EXT));
        assertEquals(BTH_OFFSET + 12 + 4 + 4, nak.capacity());
    }

    @Test
    void iethFollowsTheBthOnSendWithInvalidate() {
        final ByteBuffer f = encode(packet(IbOpcode.SEND_LAST_WITH_INVALIDATE, true, 1, null, null, 0xCAFE_0105,
                new byte[12]));
        assertEquals(0x16, f.get(BTH_OFFSET));
        assertEquals(0xCAFE_0105, f.getInt(EXT));
        assertEquals(0x17, encode(packet(IbOpcode.SEND_ONLY_WITH_INVALIDATE, true, 1, null, null, 1,
                new byte[12])).get(BTH_OFFSET));
    }

    @Test
    void payloadIsPaddedToFourBytesAndThePadCountSaysHowMany() {
        final byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
        final ByteBuffer f = encode(packet(IbOpcode.SEND_ONLY, true, 1, null, null, 0, payload));
        assertEquals(0x40 | (3 << 4), f.get(BTH_OFFSET + 1));
        assertEquals(BTH_OFFSET + 12 + 17 + 3 + 4, f.capacity());
        assertEquals(17, f.get(EXT + 16));
        for (int i = 17; i < 20; i++) {
            assertEquals(0, f.get(EXT + i), "pad byte " + i);
        }
    }

    @Test
    void extendedHeadersMustMatchTheOpcode() {
        assertThrows(IllegalArgumentException.class,
                () -> packet(IbOpcode.RDMA_WRITE_FIRST, false, 0, null, null, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> packet(IbOpcode.SEND_ONLY, false, 0, new Reth(0, 0, 0), null, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> packet(IbOpcode.ACKNOWLEDGE, false, 0, null, null, 0, new byte[0]));
    }

    @Test
    void endpointsOutsideTestNet1AreRejectedWithTheRange() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FabricAddressing.ipv4(254));
        assertTrue(e.getMessage().contains("0..253") && e.getMessage().contains("254"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FabricAddressing.mac(-1));
    }
}
