package io.frwr.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The classic libpcap file format with nanosecond timestamps (magic 0xa1b23c4d), written little-endian as
 * capture tools on x86 write it: a 24-byte global header, then a 16-byte record header before each frame.
 */
public final class PcapFormat {
    public static final int NANOSECOND_MAGIC = 0xA1B2_3C4D;
    public static final int LINKTYPE_ETHERNET = 1;
    /** Large enough for a 4096-byte IB MTU frame with all headers; nothing is truncated. */
    public static final int SNAPLEN = 65_535;
    public static final int GLOBAL_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;

    private PcapFormat() {
    }

    /** {@return the file's 24-byte global header: nanosecond timestamps, Ethernet frames} */
    public static byte[] globalHeader() {
        final ByteBuffer b = ByteBuffer.allocate(GLOBAL_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(NANOSECOND_MAGIC).putShort((short) 2).putShort((short) 4); // version 2.4
        b.putInt(0).putInt(0);                                           // thiszone, sigfigs
        b.putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        return b.array();
    }

    /** The record header of a frame of {@code length} bytes captured whole at {@code timeNanos}. */
    public static byte[] recordHeader(long timeNanos, int length) {
        if (timeNanos < 0) {
            throw new IllegalArgumentException("capture time must be >= 0 ns, was " + timeNanos);
        }
        if (length < 0 || length > SNAPLEN) {
            throw new IllegalArgumentException("frame length must be 0.." + SNAPLEN + " bytes, was " + length);
        }
        final ByteBuffer b = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (timeNanos / 1_000_000_000L)).putInt((int) (timeNanos % 1_000_000_000L));
        b.putInt(length).putInt(length);
        return b.array();
    }
}
