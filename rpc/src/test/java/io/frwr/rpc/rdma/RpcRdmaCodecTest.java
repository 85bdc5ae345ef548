package io.frwr.rpc.rdma;

import io.frwr.rpc.rdma.RpcRdmaDecodeException.Reason;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RpcRdmaCodecTest {
    private static final DecodeLimits LIMITS = new DecodeLimits(4, 2, 1 << 20, 4);
    private static final byte[] RPC = {1, 2, 3, 4, 5, 6, 7, 8};

    private static RpcRdmaHeader full() {
        return RpcRdmaHeader.msg(0x11223344, 32,
                List.of(new ReadSegment(4, new RdmaSegment(0x100, 4096, 0x1000L)),
                        new ReadSegment(4, new RdmaSegment(0x101, 100, 0x9000L))),
                List.of(new WriteChunk(List.of(new RdmaSegment(0x200, 8192, 0x2_0000_0000L)))),
                new WriteChunk(List.of(new RdmaSegment(0x300, 1024, 0x3000L), new RdmaSegment(0x301, 1024, 0x4000L))));
    }

    private static ByteBuffer withMessage(RpcRdmaHeader h, byte[] rpc) {
        final ByteBuffer b = ByteBuffer.allocate(RpcRdmaCodec.encodedSize(h) + rpc.length);
        RpcRdmaCodec.encode(h, b);
        b.put(rpc).flip();
        return b;
    }

    @Test
    void roundTripsAllListsAndLeavesBufferAtRpcMessage() throws Exception {
        final RpcRdmaHeader h = full();
        final ByteBuffer b = withMessage(h, RPC);
        final RpcRdmaHeader back = RpcRdmaCodec.decode(b, LIMITS);
        assertEquals(h, back);
        final byte[] rest = new byte[b.remaining()];
        b.get(rest);
        assertArrayEquals(RPC, rest);
        assertEquals(8192, back.writeList().get(0).totalLength());
        assertEquals(2048, back.replyChunk().totalLength());
    }

    @Test
    void roundTripsEmptyMsgNoMsgAndErrors() throws Exception {
        final RpcRdmaHeader plain = RpcRdmaHeader.msg(1, 1, List.of(), List.of(), null);
        assertEquals(28, RpcRdmaCodec.encodedSize(plain), "RFC 8166: 16 fixed bytes and three empty lists");
        assertEquals(plain, RpcRdmaCodec.decode(ByteBuffer.wrap(RpcRdmaCodec.encode(plain)), LIMITS));
        final RpcRdmaHeader noMsg = RpcRdmaHeader.noMsg(2, 8,
                List.of(new ReadSegment(0, new RdmaSegment(5, 300, 0))), List.of(), null);
        assertEquals(noMsg, RpcRdmaCodec.decode(ByteBuffer.wrap(RpcRdmaCodec.encode(noMsg)), LIMITS));
        final RpcRdmaHeader vers = RpcRdmaHeader.error(3, 0, new RdmaErrorBody.ErrVers(1, 1));
        final byte[] versBytes = RpcRdmaCodec.encode(vers);
        assertEquals(28, versBytes.length);
        final RpcRdmaHeader backVers = RpcRdmaCodec.decode(ByteBuffer.wrap(versBytes), LIMITS);
        assertEquals(vers, backVers);
        assertNull(backVers.replyChunk());
        final RpcRdmaHeader chunk = RpcRdmaHeader.error(4, 0, new RdmaErrorBody.ErrChunk());
        assertEquals(chunk, RpcRdmaCodec.decode(ByteBuffer.wrap(RpcRdmaCodec.encode(chunk)), LIMITS));
    }

    @Test
    void wireLayoutMatchesRfc8166() {
        final byte[] b = RpcRdmaCodec.encode(RpcRdmaHeader.msg(0xAABBCCDD, 7,
                List.of(new ReadSegment(8, new RdmaSegment(0x55, 16, 0x77L))), List.of(), null));
        final ByteBuffer w = ByteBuffer.wrap(b);
        assertEquals(0xAABBCCDD, w.getInt());
        assertEquals(1, w.getInt(), "rdma_vers");
        assertEquals(7, w.getInt(), "rdma_credit");
        assertEquals(0, w.getInt(), "RDMA_MSG");
        assertEquals(1, w.getInt(), "read list entry present");
        assertEquals(8, w.getInt(), "position");
        assertEquals(0x55, w.getInt(), "handle");
        assertEquals(16, w.getInt(), "length");
        assertEquals(0x77L, w.getLong(), "offset");
        assertEquals(0, w.getInt(), "read list end");
        assertEquals(0, w.getInt(), "write list end");
        assertEquals(0, w.getInt(), "no reply chunk");
        assertEquals(0, w.remaining());
    }

    @Test
    void truncatedAtEveryFieldIsTruncated() {
        final byte[] whole = RpcRdmaCodec.encode(full());
        for (int cut = 0; cut < whole.length; cut++) {
            final ByteBuffer b = ByteBuffer.wrap(whole, 0, cut).slice();
            final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                    () -> RpcRdmaCodec.decode(b, LIMITS), "cut at " + cut);
            assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + cut + ": " + e.getMessage());
            assertEquals(cut >= 4, e.xidKnown());
        }
    }

    @Test
    void wrongVersionIsBadVersionAndKeepsXid() {
        final byte[] b = RpcRdmaCodec.encode(full());
        ByteBuffer.wrap(b).putInt(4, 2);
        final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(ByteBuffer.wrap(b), LIMITS));
        assertEquals(Reason.BAD_VERSION, e.reason());
        assertEquals(0x11223344, e.xid());
        assertTrue(e.getMessage().contains("rdma_vers is 2"), e.getMessage());
    }

    @Test
    void msgpDoneAndUnknownProcsAreBadProc() {
        for (int proc : new int[] {2, 3, 5, -1}) {
            final byte[] b = RpcRdmaCodec.encode(RpcRdmaHeader.msg(1, 1, List.of(), List.of(), null));
            ByteBuffer.wrap(b).putInt(12, proc);
            final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                    () -> RpcRdmaCodec.decode(ByteBuffer.wrap(b), LIMITS));
            assertEquals(Reason.BAD_PROC, e.reason(), "proc " + proc);
        }
    }

    @Test
    void badDiscriminatorsAndErrorCodes() {
        final byte[] b = RpcRdmaCodec.encode(RpcRdmaHeader.msg(1, 1, List.of(), List.of(), null));
        for (int field : new int[] {16, 20, 24}) {
            final byte[] copy = b.clone();
            ByteBuffer.wrap(copy).putInt(field, 2);
            final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                    () -> RpcRdmaCodec.decode(ByteBuffer.wrap(copy), LIMITS));
            assertEquals(Reason.BAD_DISCRIMINATOR, e.reason(), "field at " + field);
            assertTrue(e.getMessage().contains("offset " + field), e.getMessage());
        }
        final byte[] err = RpcRdmaCodec.encode(RpcRdmaHeader.error(1, 1, new RdmaErrorBody.ErrChunk()));
        ByteBuffer.wrap(err).putInt(16, 9);
        assertEquals(Reason.BAD_DISCRIMINATOR, assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(ByteBuffer.wrap(err), LIMITS)).reason());
    }

    /** xid, vers, credit, RDMA_MSG, empty read list, one write chunk with {@code count} segments claimed. */
    private static ByteBuffer writeChunkClaiming(int count, int segmentsPresent) {
        final ByteBuffer b = ByteBuffer.allocate(32 + segmentsPresent * 16 + 8);
        b.putInt(9).putInt(1).putInt(1).putInt(0).putInt(0).putInt(1).putInt(count);
        for (int i = 0; i < segmentsPresent; i++) {
            b.putInt(i).putInt(64).putLong(0);
        }
        b.putInt(0).putInt(0);
        return b.flip();
    }

    @Test
    void segmentCountsAreCheckedBeforeAllocating() {
        final RpcRdmaDecodeException huge = assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(writeChunkClaiming(0x7fff_ffff, 0), LIMITS));
        assertEquals(Reason.TOO_MANY_SEGMENTS, huge.reason());
        assertTrue(huge.getMessage().contains("2147483647") && huge.getMessage().contains("1..4"), huge.getMessage());
        final RpcRdmaDecodeException notThere = assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(writeChunkClaiming(4, 1), LIMITS));
        assertEquals(Reason.TRUNCATED, notThere.reason(), "4 segments claimed, room for about 1");
        final RpcRdmaDecodeException empty = assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(writeChunkClaiming(0, 0), LIMITS));
        assertEquals(Reason.EMPTY_CHUNK, empty.reason());
    }

    @Test
    void tooManyChunksAndReadSegments() {
        final WriteChunk c = new WriteChunk(List.of(new RdmaSegment(1, 8, 0)));
        final byte[] chunks = RpcRdmaCodec.encode(RpcRdmaHeader.msg(1, 1, List.of(), List.of(c, c, c), null));
        assertEquals(Reason.TOO_MANY_CHUNKS, assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(ByteBuffer.wrap(chunks), LIMITS)).reason());
        final ReadSegment r = new ReadSegment(0, new RdmaSegment(1, 8, 0));
        final byte[] reads = RpcRdmaCodec.encode(RpcRdmaHeader.noMsg(1, 1, List.of(r, r, r, r, r), List.of(), null));
        assertEquals(Reason.TOO_MANY_SEGMENTS, assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(ByteBuffer.wrap(reads), LIMITS)).reason());
    }

    @Test
    void segmentLongerThanLimitIncludingUnsignedHuge() {
        for (int length : new int[] {(1 << 20) + 1, -1}) {
            final ByteBuffer b = writeChunkClaiming(1, 1);
            b.putInt(32, length);
            final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                    () -> RpcRdmaCodec.decode(b, LIMITS));
            assertEquals(Reason.SEGMENT_TOO_LONG, e.reason());
            assertTrue(e.getMessage().contains(Integer.toUnsignedString(length)), e.getMessage());
        }
    }

    @Test
    void readPositionBeyondTheMessageOrMisalignedIsBadPosition() {
        final RpcRdmaHeader beyond = RpcRdmaHeader.msg(1, 1,
                List.of(new ReadSegment(12, new RdmaSegment(1, 64, 0))), List.of(), null);
        final RpcRdmaDecodeException e = assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(withMessage(beyond, RPC), LIMITS));
        assertEquals(Reason.BAD_POSITION, e.reason());
        assertTrue(e.getMessage().contains("position 12"), e.getMessage());
        final RpcRdmaHeader atEnd = RpcRdmaHeader.msg(1, 1,
                List.of(new ReadSegment(8, new RdmaSegment(1, 64, 0))), List.of(), null);
        assertTrue(assertDoesNotThrow(atEnd), "a chunk right after the 8 inline bytes is fine");
        final byte[] odd = RpcRdmaCodec.encode(atEnd);
        ByteBuffer.wrap(odd).putInt(20, 6);
        assertEquals(Reason.BAD_POSITION, assertThrows(RpcRdmaDecodeException.class,
                () -> RpcRdmaCodec.decode(ByteBuffer.wrap(odd), LIMITS)).reason());
    }

    private static boolean assertDoesNotThrow(RpcRdmaHeader h) {
        try {
            return RpcRdmaCodec.decode(withMessage(h, RPC), LIMITS).equals(h);
        } catch (RpcRdmaDecodeException e) {
            return fail(e);
        }
    }

    @Test
    void randomBytesOnlyEverGiveDecodeException() {
        final Random random = new Random(20240517L);
        final byte[] valid = RpcRdmaCodec.encode(full());
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            final byte[] b;
            if (i % 2 == 0) {
                b = new byte[random.nextInt(120)];
                random.nextBytes(b);
                if (b.length >= 8 && random.nextBoolean()) {
                    ByteBuffer.wrap(b).putInt(4, 1); // get past the version check more often
                }
            } else {
                b = valid.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                RpcRdmaCodec.decode(ByteBuffer.wrap(b), LIMITS);
                decoded++;
            } catch (RpcRdmaDecodeException expected) {
                assertTrue(expected.getMessage().length() > 10);
            } catch (RuntimeException e) {
                fail("iteration " + i + " let " + e + " escape", e);
            }
        }
        assertTrue(decoded > 0, "some mutated headers should still decode");
    }
}
