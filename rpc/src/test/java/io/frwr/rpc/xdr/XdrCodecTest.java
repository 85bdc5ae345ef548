package io.frwr.rpc.xdr;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XdrCodecTest {
    @Test
    void roundTripsEveryKindWithPadding() throws XdrException {
        final XdrEncoder e = XdrEncoder.allocate(128);
        e.writeInt(-7).writeHyper(0x0102030405060708L).writeBoolean(true).writeOpaqueFixed(new byte[] {1, 2, 3})
                .writeOpaque(new byte[] {9, 8, 7, 6, 5}).writeString("nfs");
        final byte[] bytes = e.toByteArray();
        assertEquals(4 + 8 + 4 + 4 + (4 + 8) + (4 + 4), bytes.length, "every item is padded to 4 bytes");
        final XdrDecoder d = XdrDecoder.of(bytes);
        assertEquals(-7, d.readInt("i"));
        assertEquals(0x0102030405060708L, d.readHyper("h"));
        assertTrue(d.readBoolean("b"));
        assertArrayEquals(new byte[] {1, 2, 3}, d.readOpaqueFixed(3, "f"));
        assertArrayEquals(new byte[] {9, 8, 7, 6, 5}, d.readOpaque(16, "v"));
        assertEquals("nfs", d.readString(16, "s"));
        assertEquals(0, d.remaining());
    }

    @Test
    void truncatedReadNamesItemAndOffset() {
        final XdrDecoder d = XdrDecoder.of(new byte[] {0, 0, 0, 1, 0, 0});
        final XdrException e = assertThrows(XdrException.class, () -> {
            d.readInt("first");
            d.readInt("second");
        });
        assertTrue(e.getMessage().contains("second") && e.getMessage().contains("offset 4"), e.getMessage());
    }

    @Test
    void opaqueLengthBeyondLimitOrBytesPresentIsRefusedBeforeAllocating() {
        final byte[] huge = ByteBuffer.allocate(8).putInt(0x7fff_fff0).putInt(0).array();
        final XdrException overLimit = assertThrows(XdrException.class,
                () -> XdrDecoder.of(huge).readOpaque(1024, "data"));
        assertTrue(overLimit.getMessage().contains("allowed 0..1024"), overLimit.getMessage());
        final byte[] claims = ByteBuffer.allocate(8).putInt(100).putInt(0).array();
        final XdrException shortData = assertThrows(XdrException.class,
                () -> XdrDecoder.of(claims).readOpaque(1024, "data"));
        assertTrue(shortData.getMessage().contains("truncated"), shortData.getMessage());
    }

    @Test
    void boolOtherThanZeroOrOneIsRefused() {
        final XdrDecoder d = XdrDecoder.of(new byte[] {0, 0, 0, 2});
        assertThrows(XdrException.class, () -> d.readBoolean("flag"));
        assertFalse(d.remaining() > 0);
    }

    @Test
    void unsignedRangeIsChecked() {
        final XdrDecoder d = XdrDecoder.of(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        final XdrException e = assertThrows(XdrException.class, () -> d.readUnsigned("count", 16));
        assertTrue(e.getMessage().contains("4294967295") && e.getMessage().contains("0..16"), e.getMessage());
    }
}
