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
    static final int RESERVED_QP_ALIAS = 0xFF_FF00;

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

    /**
     * The CA GUID (node GUID) of an endpoint's NIC: the modified EUI-64 of its MAC (FFFE inserted in the middle,
     * the universal/local bit flipped), which is how RoCE NICs derive theirs.
     */
    public static long caGuid(int endpoint) {
        final byte[] mac = mac(endpoint);
        long guid = 0;
        for (byte octet : new byte[]{(byte) (mac[0] ^ 0x02), mac[1], mac[2], (byte) 0xFF, (byte) 0xFE, mac[3], mac[4],
                mac[5]}) {
            guid = guid << 8 | (octet & 0xFF);
        }
        return guid;
    }

    /** The RoCEv2 GID of an IPv4 address: ::ffff:a.b.c.d, as CM REQs carry it. */
    public static byte[] ipv4MappedGid(int endpoint) {
        final byte[] gid = new byte[16];
        gid[10] = (byte) 0xFF;
        gid[11] = (byte) 0xFF;
        System.arraycopy(ipv4(endpoint), 0, gid, 12, 4);
        return gid;
    }

    /**
     * The QP number a capture shows for a fabric QP. QP0 (SMI) and QP1 (GSI) are reserved on every port and a
     * packet to QP1 is decoded as a MAD, but the fabric numbers its RC QPs from 1; so QPs 0 and 1 appear as
     * 0xFFFF00 and 0xFFFF01, numbers the fabric would reach only after some 16 million QPs. Others are unchanged.
     */
    public static int wireQpn(int fabricQpn) {
        return fabricQpn == 0 || fabricQpn == 1 ? RESERVED_QP_ALIAS | fabricQpn : fabricQpn;
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
