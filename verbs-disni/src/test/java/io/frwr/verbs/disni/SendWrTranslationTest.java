package io.frwr.verbs.disni;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.PageList;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendWrTranslationTest {
    private final DmaBuffer a = new DmaBuffer(ByteBuffer.allocateDirect(4096), 0x7000_0000L, "dev");
    private final DmaBuffer b = new DmaBuffer(ByteBuffer.allocateDirect(4096), 0x7100_0000L, "dev");
    private final SendWrTranslation.LkeyResolver lkeys = buf -> buf == a ? 0x11 : 0x22;

    @Test
    void sendIsOpcode2WithSignaledFlagAndOneSgePerSegment() {
        final NativeSendWr n = SendWrTranslation.toNative(new SendWr.Send(9, true,
                List.of(a.segment(16, 100), b.segment(0, 50))), 1234, 4, lkeys);
        assertEquals(1234, n.wrId());
        assertEquals(2, n.opcode());
        assertEquals(2, n.sendFlags(), "IBV_SEND_SIGNALED is 1 << 1");
        assertEquals(List.of(new NativeSge(0x7000_0010L, 100, 0x11), new NativeSge(0x7100_0000L, 50, 0x22)), n.sges());
        assertEquals(0, n.invalidateRkey());
    }

    @Test
    void unsignaledHasNoFlags() {
        assertEquals(0, SendWrTranslation.toNative(new SendWr.Send(1, false, List.of(a.segment(0, 1))), 1, 4, lkeys)
                .sendFlags());
    }

    @Test
    void sendWithInvIsOpcode9AndCarriesTheRkeyInTheImmDataUnion() {
        final NativeSendWr n = SendWrTranslation.toNative(new SendWr.SendWithInv(1, true, List.of(a.segment(0, 8)),
                0x00AB_CD42), 1, 4, lkeys);
        assertEquals(9, n.opcode());
        assertEquals(0x00AB_CD42, n.invalidateRkey());
    }

    @Test
    void rdmaReadAndWriteCarryRemoteAddressAndRkey() {
        final NativeSendWr r = SendWrTranslation.toNative(new SendWr.RdmaRead(1, true, List.of(a.segment(0, 64)),
                0xFFFF_0000_1000L, 0x0102_0304), 1, 4, lkeys);
        assertEquals(4, r.opcode());
        assertEquals(0xFFFF_0000_1000L, r.remoteAddr());
        assertEquals(0x0102_0304, r.rkey());
        final NativeSendWr w = SendWrTranslation.toNative(new SendWr.RdmaWrite(1, false, List.of(a.segment(0, 64)),
                0x2000, 0x0506_0708), 1, 4, lkeys);
        assertEquals(0, w.opcode());
        assertEquals(0x2000, w.remoteAddr());
        assertEquals(0x0506_0708, w.rkey());
    }

    @Test
    void zeroLengthSegmentsAreDropped() {
        final NativeSendWr n = SendWrTranslation.toNative(new SendWr.Send(1, true,
                List.of(a.segment(0, 0), a.segment(8, 8))), 1, 1, lkeys);
        assertEquals(1, n.sges().size());
        assertEquals(8, n.sges().get(0).length());
    }

    @Test
    void tooManySegmentsNameTheLimit() {
        final List<Segment> sgl = List.of(a.segment(0, 1), a.segment(1, 1), a.segment(2, 1));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SendWrTranslation.toNative(new SendWr.Send(1, true, sgl), 1, 2, lkeys));
        assertTrue(e.getMessage().contains("3 non-empty segments") && e.getMessage().contains("1..2"),
                e.getMessage());
    }

    @Test
    void fastRegAndLocalInvAreEmulatedNotTranslated() {
        final SendWr.LocalInv inv = new SendWr.LocalInv(1, true, 5);
        assertTrue(SendWrTranslation.isEmulated(inv));
        assertFalse(SendWrTranslation.isEmulated(new SendWr.Send(1, true, List.of())));
        final SendWr.FastReg reg = new SendWr.FastReg(1, true, new DisniFastRegMr("dev", 1, 1),
                PageList.of(4096, false, new long[]{0}, new int[]{4096}), 0, 0);
        assertTrue(SendWrTranslation.isEmulated(reg));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SendWrTranslation.toNative(inv, 1, 4, lkeys));
        assertTrue(e.getMessage().contains("LOCAL_INV"), e.getMessage());
    }

    @Test
    void aForeignBufferFailsThroughTheResolver() {
        final SendWrTranslation.LkeyResolver strict = buf -> {
            throw new IllegalArgumentException(buf + " is not mapped by device rxe0");
        };
        assertThrows(IllegalArgumentException.class, () -> SendWrTranslation.toNative(
                new SendWr.Send(1, true, List.of(a.segment(0, 1))), 1, 4, strict));
    }

    @Test
    void accessFlagsMapToIbvAccessAndRemoteWriteImpliesLocalWrite() {
        assertEquals(4, EmulatedFastReg.ibvAccess(io.frwr.verbs.Access.REMOTE_READ));
        assertEquals(1 | 2, EmulatedFastReg.ibvAccess(io.frwr.verbs.Access.REMOTE_WRITE));
        assertEquals(0, EmulatedFastReg.ibvAccess(0));
    }
}
