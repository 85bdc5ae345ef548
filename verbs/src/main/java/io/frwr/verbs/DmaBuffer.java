package io.frwr.verbs;

import java.nio.ByteBuffer;

/**
 * A direct ByteBuffer that a device has mapped for DMA, with the bus address of its first byte.
 * Providers create these ({@link RdmaDevice#mapBuffer}); the FRWR logic splits them into pages by address.
 */
public final class DmaBuffer {
    private final ByteBuffer buffer;
    private final long address;
    private final int length;
    private final Object owner;

    /** For providers: {@code owner} identifies the device that mapped it, so another device can refuse it. */
    public DmaBuffer(ByteBuffer buffer, long address, Object owner) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("only direct ByteBuffers can be mapped for DMA");
        }
        this.buffer = buffer;
        this.address = address;
        this.length = buffer.capacity();
        this.owner = owner;
    }

    /** The whole mapped memory; callers read and write through duplicates or absolute methods. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** {@return the bus address of the first byte: what page lists and remote addresses are built from} */
    public long address() {
        return address;
    }

    /** {@return the mapped length in bytes} */
    public int length() {
        return length;
    }

    /** {@return the device that mapped this buffer ({@link RdmaDevice#maps})} */
    public Object owner() {
        return owner;
    }

    /** A segment of this buffer; the bounds are checked here so a bad one fails where it was made. */
    public Segment segment(int offset, int length) {
        return new Segment(this, offset, length);
    }

    @Override
    public String toString() {
        return "DmaBuffer[0x" + Long.toHexString(address) + "+" + length + "]";
    }
}
