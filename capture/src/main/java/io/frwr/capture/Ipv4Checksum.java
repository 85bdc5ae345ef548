package io.frwr.capture;

/** The IPv4 header checksum (RFC 791): ones' complement of the ones' complement sum of 16-bit words. */
public final class Ipv4Checksum {
    private Ipv4Checksum() {
    }

    /** The checksum of {@code length} header bytes at {@code offset}, whose checksum field must hold zero. */
    public static int compute(byte[] header, int offset, int length) {
        if ((length & 1) != 0 || length < 20) {
            throw new IllegalArgumentException("IPv4 header length must be even and at least 20 bytes, was " + length);
        }
        int sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += ((header[i] & 0xFF) << 8) | (header[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }
}
