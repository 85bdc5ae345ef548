package io.frwr.rpc.rdma;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * RFC 8797 RDMA-CM private data: magic 0xf6ab0e18 (4 bytes), version (1 byte), flags (1 byte, bit 0 =
 * remote invalidation OK), then the inline send and receive sizes, each one byte holding size/1024 - 1,
 * so sizes are multiples of 1 KiB in 1 KiB..256 KiB.
 */
public record CmPrivateMessage(int version, boolean remoteInvalidation, int inlineSendSize, int inlineRecvSize) {
    public static final int MAGIC = 0xf6ab0e18;
    public static final int VERSION = 1;
    public static final int FLAG_REMOTE_INVALIDATION = 1;
    public static final int ENCODED_BYTES = 8;
    public static final int MIN_SIZE = 1024;
    public static final int MAX_SIZE = 256 * 1024;

    public CmPrivateMessage {
        if (version < 0 || version > 255) {
            throw new IllegalArgumentException("CM private message version must be 0..255, was " + version);
        }
        checkSize("inlineSendSize", inlineSendSize);
        checkSize("inlineRecvSize", inlineRecvSize);
    }

    public static CmPrivateMessage of(boolean remoteInvalidation, int inlineSendSize, int inlineRecvSize) {
        return new CmPrivateMessage(VERSION, remoteInvalidation, inlineSendSize, inlineRecvSize);
    }

    /** Round a buffer size down to what the one-byte encoding can state (the peer may rely on no more). */
    public static int encodableSize(int bytes) {
        return Math.max(MIN_SIZE, Math.min(MAX_SIZE, bytes & ~(MIN_SIZE - 1)));
    }

    public byte[] encode() {
        final ByteBuffer b = ByteBuffer.allocate(ENCODED_BYTES);
        b.putInt(MAGIC);
        b.put((byte) version);
        b.put((byte) (remoteInvalidation ? FLAG_REMOTE_INVALIDATION : 0));
        b.put((byte) (inlineSendSize / MIN_SIZE - 1));
        b.put((byte) (inlineRecvSize / MIN_SIZE - 1));
        return b.array();
    }

    /**
     * Empty when the peer sent no RFC 8797 message (too short or another magic): RFC 8797 says to fall
     * back to the 1 KiB defaults and no remote invalidation then. Extra trailing bytes are ignored, as
     * the RFC lets later versions append fields.
     */
    public static Optional<CmPrivateMessage> decode(byte[] privateData) {
        if (privateData == null || privateData.length < ENCODED_BYTES) {
            return Optional.empty();
        }
        final ByteBuffer b = ByteBuffer.wrap(privateData);
        if (b.getInt() != MAGIC) {
            return Optional.empty();
        }
        final int version = b.get() & 0xFF;
        final boolean remoteInv = (b.get() & FLAG_REMOTE_INVALIDATION) != 0;
        final int send = ((b.get() & 0xFF) + 1) * MIN_SIZE;
        final int recv = ((b.get() & 0xFF) + 1) * MIN_SIZE;
        return Optional.of(new CmPrivateMessage(version, remoteInv, send, recv));
    }

    private static void checkSize(String name, int size) {
        if (size < MIN_SIZE || size > MAX_SIZE || size % MIN_SIZE != 0) {
            throw new IllegalArgumentException(name + " must be a multiple of 1024 in " + MIN_SIZE + ".." + MAX_SIZE
                    + ", was " + size);
        }
    }
}
