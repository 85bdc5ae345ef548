package io.frwr.capture;

import java.util.zip.CRC32;

/**
 * The RoCEv2 invariant CRC (IBA annex A17): a CRC-32 over the packet as if it were an IB packet, with every
 * field a router may rewrite masked to ones so that the ICRC survives routing. For IPv4 that is: 8 bytes of
 * 0xFF standing in for the LRH, then the IPv4 header with TOS (DSCP+ECN), TTL and header checksum set to ones,
 * the UDP header with its checksum set to ones, the BTH with its byte 4 (FECN, BECN, reserved) set to ones,
 * then the rest of the transport headers, the payload and the pad. It goes on the wire least significant byte
 * first, like the Ethernet FCS.
 */
public final class Icrc {
    public static final int LENGTH = 4;
    private static final int IPV4_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int BTH_BYTE4 = IPV4_HEADER + UDP_HEADER + 4;
    private static final int PSEUDO_HEADER = IPV4_HEADER + UDP_HEADER + 12;
    private static final byte[] MASKED_LRH = {-1, -1, -1, -1, -1, -1, -1, -1};

    private Icrc() {
    }

    /**
     * The ICRC of a RoCEv2 packet whose IPv4 header (no options) starts at {@code ipOffset} and whose ICRC field
     * starts at {@code icrcOffset}: everything in between is covered.
     */
    public static int compute(byte[] frame, int ipOffset, int icrcOffset) {
        if (icrcOffset - ipOffset < PSEUDO_HEADER) {
            throw new IllegalArgumentException("a RoCEv2 packet has at least " + PSEUDO_HEADER
                    + " bytes of IPv4, UDP and BTH before the ICRC, got " + (icrcOffset - ipOffset));
        }
        final byte[] pseudo = new byte[PSEUDO_HEADER];
        System.arraycopy(frame, ipOffset, pseudo, 0, PSEUDO_HEADER);
        pseudo[1] = -1;                       // TOS: DSCP and ECN
        pseudo[8] = -1;                       // TTL
        pseudo[10] = -1;                      // header checksum
        pseudo[11] = -1;
        pseudo[IPV4_HEADER + 6] = -1;         // UDP checksum
        pseudo[IPV4_HEADER + 7] = -1;
        pseudo[BTH_BYTE4] = -1;               // BTH FECN, BECN, resv6a
        final CRC32 crc = new CRC32();
        crc.update(MASKED_LRH);
        crc.update(pseudo);
        crc.update(frame, ipOffset + PSEUDO_HEADER, icrcOffset - ipOffset - PSEUDO_HEADER);
        return (int) crc.getValue();
    }
}
