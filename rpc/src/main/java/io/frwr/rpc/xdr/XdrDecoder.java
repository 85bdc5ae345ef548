package io.frwr.rpc.xdr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RFC 4506 decoding from a ByteBuffer. Every read checks the bytes left first, so a short or hostile
 * message ends in an {@link XdrException} naming the item and offset, and no read allocates more than
 * the bytes actually present.
 */
public final class XdrDecoder {
    private final ByteBuffer buffer;
    private final int base;

    /** Decodes from the buffer's position; offsets in messages count from there. */
    public XdrDecoder(ByteBuffer buffer) {
        this.buffer = buffer.order(ByteOrder.BIG_ENDIAN);
        this.base = buffer.position();
    }

    public static XdrDecoder of(byte[] bytes) {
        return new XdrDecoder(ByteBuffer.wrap(bytes));
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    /** Offset from where decoding started. */
    public int offset() {
        return buffer.position() - base;
    }

    public int remaining() {
        return buffer.remaining();
    }

    public int readInt(String what) throws XdrException {
        need(4, what);
        return buffer.getInt();
    }

    /** An unsigned int that must lie in [0, max]; {@code max} is the allowed range the message names. */
    public int readUnsigned(String what, int max) throws XdrException {
        final int at = offset();
        final long v = Integer.toUnsignedLong(readInt(what));
        if (v > max) {
            throw new XdrException(what + " at offset " + at + " is " + v + ", allowed 0.." + max);
        }
        return (int) v;
    }

    public long readHyper(String what) throws XdrException {
        need(8, what);
        return buffer.getLong();
    }

    public boolean readBoolean(String what) throws XdrException {
        final int at = offset();
        final int v = readInt(what);
        if (v != 0 && v != 1) {
            throw new XdrException(what + " at offset " + at + " is " + v + ", a bool must be 0 or 1");
        }
        return v == 1;
    }

    /** opaque[length]: reads the bytes and skips their padding. */
    public byte[] readOpaqueFixed(int length, String what) throws XdrException {
        if (length < 0) {
            throw new XdrException(what + " at offset " + offset() + " has negative length " + length);
        }
        final int pad = XdrEncoder.padding(length);
        need((long) length + pad, what);
        final byte[] out = new byte[length];
        buffer.get(out);
        buffer.position(buffer.position() + pad);
        return out;
    }

    /** opaque&lt;maxLength&gt;: the length is checked against the limit and the bytes present before allocating. */
    public byte[] readOpaque(int maxLength, String what) throws XdrException {
        final int at = offset();
        final long length = Integer.toUnsignedLong(readInt(what + " length"));
        if (length > maxLength) {
            throw new XdrException(what + " at offset " + at + " has length " + length + ", allowed 0.." + maxLength);
        }
        return readOpaqueFixed((int) length, what);
    }

    public String readString(int maxLength, String what) throws XdrException {
        return new String(readOpaque(maxLength, what), StandardCharsets.UTF_8);
    }

    /** Skip opaque&lt;maxLength&gt; and return its length; lets callers slice large data without a copy. */
    public int skipOpaque(int maxLength, String what) throws XdrException {
        final int at = offset();
        final long length = Integer.toUnsignedLong(readInt(what + " length"));
        if (length > maxLength) {
            throw new XdrException(what + " at offset " + at + " has length " + length + ", allowed 0.." + maxLength);
        }
        final int pad = XdrEncoder.padding((int) length);
        need(length + pad, what);
        buffer.position(buffer.position() + (int) length + pad);
        return (int) length;
    }

    private void need(long bytes, String what) throws XdrException {
        if (buffer.remaining() < bytes) {
            throw new XdrException("truncated reading " + what + " at offset " + offset() + ": needs " + bytes
                    + " bytes, " + buffer.remaining() + " left");
        }
    }
}
