package io.frwr.rpc.rdma;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CmPrivateMessageTest {
    @Test
    void encodesRfc8797Layout() {
        final byte[] b = CmPrivateMessage.of(true, 4096, 1024).encode();
        assertArrayEquals(new byte[] {(byte) 0xf6, (byte) 0xab, 0x0e, 0x18, 1, 1, 3, 0}, b);
        assertEquals(CmPrivateMessage.of(true, 4096, 1024), CmPrivateMessage.decode(b).orElseThrow());
        final byte[] max = CmPrivateMessage.of(false, 256 * 1024, 256 * 1024).encode();
        assertEquals((byte) 0xff, max[6]);
        assertEquals(0, max[5]);
        assertEquals(CmPrivateMessage.of(false, 262144, 262144), CmPrivateMessage.decode(max).orElseThrow());
    }

    @Test
    void foreignOrShortPrivateDataMeansNoMessage() {
        assertTrue(CmPrivateMessage.decode(new byte[0]).isEmpty());
        assertTrue(CmPrivateMessage.decode(new byte[] {(byte) 0xf6, (byte) 0xab, 0x0e, 0x18, 1, 1, 3}).isEmpty());
        assertTrue(CmPrivateMessage.decode(new byte[] {1, 2, 3, 4, 1, 1, 3, 3}).isEmpty());
    }

    @Test
    void sizesMustBeEncodable() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CmPrivateMessage.of(true, 1500, 1024));
        assertTrue(e.getMessage().contains("inlineSendSize") && e.getMessage().contains("1500"), e.getMessage());
        assertEquals(4096, CmPrivateMessage.encodableSize(4100));
        assertEquals(1024, CmPrivateMessage.encodableSize(100));
    }
}
