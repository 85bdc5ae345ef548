package io.frwr.capture;

/**
 * Gives each simulated endpoint the Ethernet and IPv4 identity a capture shows: a locally administered unicast
 * MAC and an address in 192.0.2.0/24 (TEST-NET-1, RFC 5737), so that no capture can be mistaken for, or leak
 * into, a real network.
 */
public final class FabricAddressing {
    /** 192.0.2.0 is the network and 192.0.2.255 the broadcast address, so endpoint n is host n + 1. */
    public static final int MAX_ENDPOINT = 253;
    /** RoCEv2 source ports come from the dynamic range 0xC000..0xFFFF (IBA annex A17). */
    private static final int UDP_SOURCE_PORT_BASE = 0xC000;

    private FabricAddressing() {
    }

    /** 02:00:00:00:00:(n+1): bit 1 of the first octet marks the MAC locally administered, bit 0 clear is unicast. */
    public static byte[] mac(int endpoint) {
        return new byte[]{0x02, 0, 0, 0, 0, (byte) host(endpoint)};
    }

    /** 192.0.2.(n+1) as four bytes in network order. */
    public static byte[] ipv4(int endpoint) {
        return new byte[]{(byte) 192, 0, 2, (byte) host(endpoint)};
    }

    /**
     * The UDP source port of a QP pair: RoCEv2 uses it as flow entropy so that ECMP spreads connections over
     * paths while each connection stays on one path (in order). Any stable hash of the QP numbers will do.
     */
    public static int udpSourcePort(int srcQpn, int dstQpn) {
        int h = srcQpn * 0x9E3779B1 ^ Integer.rotateLeft(dstQpn, 16);
        h ^= h >>> 15;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return UDP_SOURCE_PORT_BASE | (h & 0x3FFF);
    }

    /** Throws unless {@code endpoint} has an address; lets callers refuse a message before changing any state. */
    public static void checkEndpoint(int endpoint) {
        host(endpoint);
    }

    private static int host(int endpoint) {
        if (endpoint < 0 || endpoint > MAX_ENDPOINT) {
            throw new IllegalArgumentException("endpoint id must be 0.." + MAX_ENDPOINT
                    + " to get an address in 192.0.2.0/24, was " + endpoint);
        }
        return endpoint + 1;
    }
}
