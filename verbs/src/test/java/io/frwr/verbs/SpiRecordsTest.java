package io.frwr.verbs;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain tests of the SPI's value types. */
class SpiRecordsTest {

    @Test
    void rkeyIsA24BitIndexAndAKeyByte() {
        final int rkey = RKey.of(0x123456, 0x78);
        assertEquals(0x12345678, rkey);
        assertEquals(0x123456, RKey.index(rkey));
        assertEquals(0x78, RKey.keyByte(rkey));
        assertEquals(RKey.of(0x123456, 0x79), RKey.withKeyByte(rkey, 0x79));
        assertEquals(RKey.of(0x123456, 0x01), RKey.withKeyByte(rkey, 0x101), "only the low byte counts");
        assertEquals(0xFF, RKey.keyByte(RKey.of(0xFF_FFFF, 0xFF)));
        assertEquals(0xFF_FFFF, RKey.index(RKey.of(0xFF_FFFF, 0xFF)));
        assertEquals("0x12345678", RKey.format(rkey));
        assertThrows(IllegalArgumentException.class, () -> RKey.of(0x100_0000, 0));
        assertThrows(IllegalArgumentException.class, () -> RKey.of(-1, 0));
    }

    @Test
    void accessFlags() {
        final int rw = Access.LOCAL_WRITE | Access.REMOTE_READ;
        assertTrue(Access.allows(rw, Access.REMOTE_READ));
        assertFalse(Access.allows(rw, Access.REMOTE_WRITE));
        assertFalse(Access.allows(rw, Access.REMOTE_READ | Access.REMOTE_WRITE));
        assertEquals("LOCAL_WRITE|REMOTE_READ", Access.describe(rw));
        assertEquals("NONE", Access.describe(0));
    }

    @Test
    void pageListCountsPagesAsTheDeviceDoes() {
        final PageList one = PageList.of(4096, false, new long[] {0x10000}, new int[] {4096});
        assertEquals(1, one.pageCount());
        assertEquals(0x10000, one.iova());
        assertEquals(4096, one.length());
        final PageList straddle = PageList.of(4096, false, new long[] {0x10F00}, new int[] {0x200});
        assertEquals(2, straddle.pageCount());
        final PageList multi = PageList.of(4096, false, new long[] {0x10800, 0x20000, 0x30000},
                new int[] {0x800, 0x2000, 0x10});
        assertEquals(1 + 2 + 1, multi.pageCount());
        assertEquals(0x800 + 0x2000 + 0x10, multi.length());
        assertEquals(3, multi.rangeCount());
        assertEquals(0x20000, multi.rangeAddress(1));
        assertEquals(0x2000, multi.rangeLength(1));
        assertEquals(multi, PageList.of(4096, false, new long[] {0x10800, 0x20000, 0x30000},
                new int[] {0x800, 0x2000, 0x10}));
    }

    @Test
    void pageModeAllowsAnOffsetOnlyInTheFirstRangeAndAShortEndOnlyInTheLast() {
        assertThrows(IllegalArgumentException.class,
                () -> PageList.of(4096, false, new long[] {0x10000, 0x20010}, new int[] {4096, 16}));
        assertThrows(IllegalArgumentException.class,
                () -> PageList.of(4096, false, new long[] {0x10000, 0x20000}, new int[] {100, 16}));
        final PageList gaps = PageList.of(4096, true, new long[] {0x10000, 0x20010}, new int[] {100, 16});
        assertTrue(gaps.gaps());
        assertEquals(116, gaps.length());
    }

    @Test
    void pageListRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> PageList.of(3000, false, new long[] {0}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PageList.of(4096, false, new long[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> PageList.of(4096, false, new long[] {0}, new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> PageList.of(4096, false, new long[] {0, 4096}, new int[] {4096}));
    }

    @Test
    void pageListCopiesItsArrays() {
        final long[] addrs = {0x10000};
        final int[] lens = {64};
        final PageList pl = PageList.of(4096, false, addrs, lens);
        addrs[0] = 0;
        lens[0] = 1;
        assertEquals(0x10000, pl.iova());
        assertEquals(64, pl.length());
    }

    @Test
    void segmentsAreBoundsCheckedWhereTheyAreMade() {
        final DmaBuffer b = new DmaBuffer(ByteBuffer.allocateDirect(100), 0x4000, "dev");
        final Segment s = b.segment(10, 90);
        assertEquals(0x400A, s.address());
        assertThrows(IllegalArgumentException.class, () -> b.segment(10, 91));
        assertThrows(IllegalArgumentException.class, () -> b.segment(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Segment(null, 0, 0));
        assertEquals(0, b.segment(100, 0).length());
    }

    @Test
    void dmaBuffersAreDirectOnly() {
        assertThrows(IllegalArgumentException.class, () -> new DmaBuffer(ByteBuffer.allocate(8), 0, "dev"));
        final DmaBuffer b = new DmaBuffer(ByteBuffer.allocateDirect(8), 0x1000, "dev");
        assertEquals(8, b.length());
        assertEquals("dev", b.owner());
    }

    @Test
    void connectParamsLimitAndCopyPrivateData() {
        final byte[] pd = {1, 2, 3};
        final ConnectParams p = new ConnectParams(null, null, null, 1, 1, pd, Duration.ofSeconds(1));
        pd[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, p.privateData());
        assertArrayEquals(new byte[0], new ConnectParams(null, null, null, 1, 1, null, null).privateData());
        assertThrows(IllegalArgumentException.class, () -> new ConnectParams(null, null, null, 1, 1,
                new byte[ConnectParams.MAX_PRIVATE_DATA + 1], null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectParams(null, null, null, 0, 1, null, null));
    }

    @Test
    void deviceAttributesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceAttributes("d", 1000, 1, 1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new DeviceAttributes("d", 4096, 0, 1, 1, false));
        assertEquals(4096, new DeviceAttributes("d", 4096, 1, 1, 1, false).pageSize());
    }

    @Test
    void sendWrsKnowTheirOpcodeAndLength() {
        final DmaBuffer b = new DmaBuffer(ByteBuffer.allocateDirect(100), 0x4000, "dev");
        final var sgl = java.util.List.of(b.segment(0, 10), b.segment(50, 25));
        assertEquals(35, SendWr.totalLength(sgl));
        assertEquals(Opcode.SEND, new SendWr.Send(1, true, sgl).opcode());
        assertEquals(Opcode.SEND_WITH_INV, new SendWr.SendWithInv(1, true, sgl, 0).opcode());
        assertEquals(Opcode.RDMA_READ, new SendWr.RdmaRead(1, true, sgl, 0, 0).opcode());
        assertEquals(Opcode.RDMA_WRITE, new SendWr.RdmaWrite(1, true, sgl, 0, 0).opcode());
        assertEquals(Opcode.LOCAL_INV, new SendWr.LocalInv(1, true, 0).opcode());
        assertEquals(Opcode.FAST_REG, new SendWr.FastReg(1, true, null, null, 0, 0).opcode());
    }

    @Test
    void exceptionsCarryTheirErrnoAndIndex() {
        final PostSendException e = new PostSendException(Errno.ENOMEM, 3, "full");
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(3, e.failedIndex());
        assertTrue(e.getMessage().contains("WR #3"), e.getMessage());
        assertTrue(WcStatus.SUCCESS.isSuccess());
        assertFalse(WcStatus.WR_FLUSH_ERR.isSuccess());
        assertEquals(new WorkCompletion(7, Opcode.RECV, WcStatus.WR_FLUSH_ERR, 0, false, 0, 9),
                WorkCompletion.of(7, Opcode.RECV, WcStatus.WR_FLUSH_ERR, 9));
    }
}
