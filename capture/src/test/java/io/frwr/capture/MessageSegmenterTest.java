package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireMessage.Kind;
import io.frwr.verbs.sim.WireMessage.Nak;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.frwr.capture.IbOpcode.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageSegmenterTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final int QP_A = 0x11;
    private static final int QP_B = 0x12;

    private static WireMessage aToB(Kind kind, int payload, long va, int rkey, int dmaLength, int inv, Nak nak) {
        return new WireMessage(1, A, B, QP_A, QP_B, kind, new byte[payload], va, rkey, dmaLength, inv, nak);
    }

    private static WireMessage bToA(Kind kind, int payload, Nak nak) {
        return new WireMessage(2, B, A, QP_B, QP_A, kind, new byte[payload], 0, 0, 0, 0, nak);
    }

    private static List<IbOpcode> opcodes(List<RocePacket> packets) {
        return packets.stream().map(RocePacket::opcode).toList();
    }

    private static List<Integer> psns(List<RocePacket> packets) {
        return packets.stream().map(RocePacket::psn).toList();
    }

    private static List<Integer> lengths(List<RocePacket> packets) {
        return packets.stream().map(RocePacket::payloadLength).toList();
    }

    @Test
    void writeOf10000BytesAt4096IsFirstMiddleLastWithRethOnFirstOnly() {
        final List<RocePacket> p = new MessageSegmenter(4096)
                .segment(aToB(Kind.RDMA_WRITE, 10_000, 0x7F00_1000L, 0x1203, 10_000, 0, Nak.NONE));
        assertEquals(List.of(RDMA_WRITE_FIRST, RDMA_WRITE_MIDDLE, RDMA_WRITE_LAST), opcodes(p));
        assertEquals(List.of(0, 1, 2), psns(p));
        assertEquals(List.of(4096, 4096, 1808), lengths(p));
        assertEquals(List.of(0, 4096, 8192), p.stream().map(RocePacket::payloadOffset).toList());
        assertEquals(new Reth(0x7F00_1000L, 0x1203, 10_000), p.get(0).reth());
        assertNull(p.get(1).reth());
        assertNull(p.get(2).reth());
        // Only the last packet of a message asks for an ACK.
        assertEquals(List.of(false, false, true), p.stream().map(RocePacket::ackRequest).toList());
        assertTrue(p.stream().allMatch(x -> x.dstQpn() == QP_B && x.srcEndpoint() == A && x.dstEndpoint() == B));
    }

    @Test
    void mtu1024SplitsTheSameWriteIntoTenPackets() {
        final List<RocePacket> p = new MessageSegmenter(1024)
                .segment(aToB(Kind.RDMA_WRITE, 10_000, 0, 1, 10_000, 0, Nak.NONE));
        assertEquals(10, p.size());
        assertEquals(RDMA_WRITE_FIRST, p.get(0).opcode());
        assertTrue(p.subList(1, 9).stream().allMatch(x -> x.opcode() == RDMA_WRITE_MIDDLE));
        assertEquals(RDMA_WRITE_LAST, p.get(9).opcode());
        assertEquals(10_000 - 9 * 1024, p.get(9).payloadLength());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), psns(p));
    }

    @Test
    void psnsContinuePerDirectionAcrossMessagesAndSizesAtExactMultiplesOfMtu() {
        final MessageSegmenter s = new MessageSegmenter(4096);
        assertEquals(List.of(SEND_ONLY), opcodes(s.segment(aToB(Kind.SEND, 100, 0, 0, 0, 0, Nak.NONE))));
        final List<RocePacket> twoPackets = s.segment(aToB(Kind.SEND, 8192, 0, 0, 0, 0, Nak.NONE));
        assertEquals(List.of(SEND_FIRST, SEND_LAST), opcodes(twoPackets));
        assertEquals(List.of(1, 2), psns(twoPackets));
        assertEquals(List.of(4096, 4096), lengths(twoPackets));
        // The other direction has its own PSN space.
        assertEquals(List.of(0), psns(s.segment(bToA(Kind.SEND, 4, Nak.NONE))));
        assertEquals(List.of(3), psns(s.segment(aToB(Kind.SEND, 0, 0, 0, 0, 0, Nak.NONE))));
    }

    @Test
    void emptySendIsOneSendOnlyWithoutPayload() {
        final List<RocePacket> p = new MessageSegmenter(4096).segment(aToB(Kind.SEND, 0, 0, 0, 0, 0, Nak.NONE));
        assertEquals(List.of(SEND_ONLY), opcodes(p));
        assertEquals(0, p.get(0).payloadLength());
        assertEquals(0, p.get(0).padCount());
    }

    @Test
    void sendWithInvalidateCarriesTheIethOnTheLastPacket() {
        final MessageSegmenter s = new MessageSegmenter(1024);
        final List<RocePacket> only = s.segment(aToB(Kind.SEND_WITH_INV, 200, 0, 0, 0, 0xABCD_EF01, Nak.NONE));
        assertEquals(List.of(SEND_ONLY_WITH_INVALIDATE), opcodes(only));
        assertEquals(0xABCD_EF01, only.get(0).iethRkey());
        final List<RocePacket> three = s.segment(aToB(Kind.SEND_WITH_INV, 2500, 0, 0, 0, 0x1234_5678, Nak.NONE));
        assertEquals(List.of(SEND_FIRST, SEND_MIDDLE, SEND_LAST_WITH_INVALIDATE), opcodes(three));
        assertEquals(0x1234_5678, three.get(2).iethRkey());
        assertEquals(List.of(1, 2, 3), psns(three));
    }

    @Test
    void readResponseUsesThePsnsTheReadRequestReserved() {
        final MessageSegmenter s = new MessageSegmenter(4096);
        s.segment(aToB(Kind.SEND, 10, 0, 0, 0, 0, Nak.NONE));                       // PSN 0
        final List<RocePacket> request = s.segment(
                aToB(Kind.RDMA_READ_REQUEST, 0, 0x9000L, 0x2205, 10_000, 0, Nak.NONE));
        assertEquals(List.of(RDMA_READ_REQUEST), opcodes(request));
        assertEquals(1, request.get(0).psn());
        assertEquals(new Reth(0x9000L, 0x2205, 10_000), request.get(0).reth());
        assertEquals(0, request.get(0).payloadLength());

        final List<RocePacket> response = s.segment(bToA(Kind.RDMA_READ_RESPONSE, 10_000, Nak.NONE));
        assertEquals(List.of(RDMA_READ_RESPONSE_FIRST, RDMA_READ_RESPONSE_MIDDLE, RDMA_READ_RESPONSE_LAST),
                opcodes(response));
        assertEquals(List.of(1, 2, 3), psns(response));
        assertEquals(QP_A, response.get(0).dstQpn());
        // AETH on first and last, none in the middle; MSN counts the SEND and the READ.
        assertEquals(Aeth.ack(2), response.get(0).aeth());
        assertNull(response.get(1).aeth());
        assertEquals(Aeth.ack(2), response.get(2).aeth());
        assertFalse(response.get(2).ackRequest());

        // The READ took three PSNs, so the next request starts at 4.
        assertEquals(List.of(4), psns(s.segment(aToB(Kind.SEND, 10, 0, 0, 0, 0, Nak.NONE))));
    }

    @Test
    void smallReadResponseIsReadResponseOnlyWithAeth() {
        final MessageSegmenter s = new MessageSegmenter(4096);
        s.segment(aToB(Kind.RDMA_READ_REQUEST, 0, 0, 1, 64, 0, Nak.NONE));
        final List<RocePacket> response = s.segment(bToA(Kind.RDMA_READ_RESPONSE, 64, Nak.NONE));
        assertEquals(List.of(RDMA_READ_RESPONSE_ONLY), opcodes(response));
        assertNotNull(response.get(0).aeth());
        assertEquals(0, response.get(0).psn());
    }

    @Test
    void ackAndNaksAcknowledgeTheLastRequestPacketWithTheRightSyndrome() {
        final MessageSegmenter s = new MessageSegmenter(4096);
        s.segment(aToB(Kind.RDMA_WRITE, 9000, 0, 1, 9000, 0, Nak.NONE));             // PSNs 0..2
        final RocePacket ack = s.segment(bToA(Kind.ACK, 0, Nak.NONE)).get(0);
        assertEquals(ACKNOWLEDGE, ack.opcode());
        assertEquals(2, ack.psn());
        assertEquals(new Aeth(0x1F, 1), ack.aeth());                                    // ACK, no credit count
        assertEquals(0x60 | 2, s.segment(bToA(Kind.NAK, 0, Nak.REMOTE_ACCESS_ERROR)).get(0).aeth().syndrome());
        assertEquals(0x60 | 1, s.segment(bToA(Kind.NAK, 0, Nak.INVALID_REQUEST)).get(0).aeth().syndrome());
        assertEquals(0x60 | 3, s.segment(bToA(Kind.NAK, 0, Nak.REMOTE_OPERATIONAL_ERROR)).get(0).aeth().syndrome());
        assertEquals(0x20 | Aeth.DEFAULT_RNR_TIMER, s.segment(bToA(Kind.NAK, 0, Nak.RNR)).get(0).aeth().syndrome());
    }

    @Test
    void nakWithoutAnErrorIsRejected() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MessageSegmenter(4096).segment(bToA(Kind.NAK, 0, Nak.NONE)));
        assertTrue(e.getMessage().contains("RNR"), e.getMessage());
    }

    @Test
    void mtuMustBeAnIbPathMtu() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MessageSegmenter(1500));
        assertTrue(e.getMessage().contains("1500") && e.getMessage().contains("256, 512, 1024, 2048 or 4096"),
                e.getMessage());
        assertEquals(256, new MessageSegmenter(256).mtu());
    }

    @Test
    void psnsWrapAt24Bits() {
        assertEquals(0, Psn.add(0xFF_FFFF, 1));
        assertEquals(0xFF_FFFF, Psn.add(0, -1));
        final RequesterState requester = new RequesterState(0xFF_FFFE);
        assertEquals(0xFF_FFFE, requester.takePsns(3));
        assertEquals(0, requester.lastPsn());
        assertEquals(1, requester.takePsns(1));
    }
}
