package io.frwr.capture;

import java.nio.ByteBuffer;

/**
 * The RDMA-CM IP addressing convention (IBA annex A11, "RDMA IP CM Service"): a REQ whose service ID starts with
 * the prefix 0x0000000001 carries, at the start of its private data, a 36-byte header with the IP version, the
 * source port and both IP addresses, followed by 56 bytes for the consumer. This is how rdma_connect() over RoCEv2
 * addresses a listener, and how Wireshark recognises an IP CM REQ.
 */
public final class IpCmPrivateData {
    public static final int HEADER_LENGTH = 36;
    public static final int CONSUMER_LENGTH = 56;
    /** NFS/RDMA's well-known port (RFC 8267); the fabric's addresses are names, so every REQ targets it. */
    public static final int NFS_RDMA_PORT = 20049;
    private static final long IP_CM_SERVICE_PREFIX = 0x0000_0000_0100_0000L;
    private static final int TCP_PORT_SPACE = 0x06;
    private static final int IP_CM_VERSION = 0x00;
    private static final int IPV4 = 4;
    private static final int EPHEMERAL_PORT_BASE = 0xC000;

    private IpCmPrivateData() {
    }

    /** Prefix 0x0000000001, port space TCP (RDMA_PS_TCP), then the destination port. */
    public static long serviceId(int port) {
        return IP_CM_SERVICE_PREFIX | (long) TCP_PORT_SPACE << 16 | (port & 0xFFFF);
    }

    /** A stable port from the dynamic range for the connecting side, as rdma_connect would bind one. */
    static int sourcePort(int localCommId) {
        return EPHEMERAL_PORT_BASE | (localCommId & 0x3FFF);
    }

    /** Writes the header and the consumer's bytes (zero-padded to 56) at the buffer's position. */
    static void put(ByteBuffer b, int srcEndpoint, int dstEndpoint, int sourcePort, byte[] consumer) {
        if (consumer.length > CONSUMER_LENGTH) {
            throw new IllegalArgumentException("a CM REQ carries at most " + CONSUMER_LENGTH
                    + " bytes of consumer private data after the IP CM header, was " + consumer.length);
        }
        final int start = b.position();
        b.put((byte) IP_CM_VERSION).put((byte) (IPV4 << 4)).putShort((short) sourcePort);
        // IPv4 addresses sit in the last 4 of 16 bytes, the first 12 zero.
        b.position(b.position() + 12).put(FabricAddressing.ipv4(srcEndpoint));
        b.position(b.position() + 12).put(FabricAddressing.ipv4(dstEndpoint));
        b.put(consumer);
        b.position(start + HEADER_LENGTH + CONSUMER_LENGTH);
    }
}
