package io.frwr.rpc.xdr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** RFC 4506 encoding into a ByteBuffer (big-endian, every item padded to a multiple of four bytes). */
public final class XdrEncoder {
    private final ByteBuffer buffer;

    public XdrEncoder(ByteBuffer buffer) {
        this.buffer = buffer.order(ByteOrder.BIG_ENDIAN);
    }

    /** An encoder over a fresh heap buffer of {@code capacity} bytes; {@link #toByteArray()} takes the result. */
    public static XdrEncoder allocate(int capacity) {
        return new XdrEncoder(ByteBuffer.allocate(capacity));
    }

    public static int padding(int length) {
        return (4 - (length & 3)) & 3;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int position() {
        return buffer.position();
    }

    public XdrEncoder writeInt(int value) {
        ensure(4, "int");
        buffer.putInt(value);
        return this;
    }

    public XdrEncoder writeHyper(long value) {
        ensure(8, "hyper");
        buffer.putLong(value);
        return this;
    }

    public XdrEncoder writeBoolean(boolean value) {
        return writeInt(value ? 1 : 0);
    }

    /** opaque[n]: the bytes and their padding, no length. */
    public XdrEncoder writeOpaqueFixed(byte[] bytes) {
        return writeOpaqueFixed(bytes, 0, bytes.length);
    }

    public XdrEncoder writeOpaqueFixed(byte[] bytes, int offset, int length) {
        final int pad = padding(length);
        ensure(length + pad, "opaque[" + length + "]");
        buffer.put(bytes, offset, length);
        for (int i = 0; i < pad; i++) {
            buffer.put((byte) 0);
        }
        return this;
    }

    /** opaque&lt;&gt;: a length, the bytes, their padding. */
    public XdrEncoder writeOpaque(byte[] bytes) {
        writeInt(bytes.length);
        return writeOpaqueFixed(bytes);
    }

    public XdrEncoder writeString(String value) {
        return writeOpaque(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes written so far (for an encoder made by {@link #allocate}). */
    public byte[] toByteArray() {
        final byte[] out = new byte[buffer.position()];
        buffer.duplicate().flip().get(out);
        return out;
    }

    private void ensure(int bytes, String what) {
        if (buffer.remaining() < bytes) {
            // Our own output not fitting is a sizing bug, not bad input: fail loudly with the numbers.
            throw new IllegalStateException("no room to encode " + what + " (" + bytes + " bytes) at offset "
                    + buffer.position() + ", " + buffer.remaining() + " left");
        }
    }
}
