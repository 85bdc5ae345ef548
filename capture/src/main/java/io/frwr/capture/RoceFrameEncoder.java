package io.frwr.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes a {@link RocePacket} as the Ethernet frame a RoCEv2 port sends: Ethernet II, IPv4 (no options, DF,
 * TTL 64, DSCP 26 with ECT(0) as DCQCN-enabled NICs mark it), UDP to port 4791 with a zero checksum (allowed
 * for IPv4; the ICRC protects the payload), BTH, the opcode's extended header (DETH for the UD packets of CM
 * MADs), the payload padded to 4 bytes and the ICRC. The frame carries no Ethernet FCS, as captures usually do not. Not thread-safe.
 */
public final class RoceFrameEncoder {
    public static final int ROCE_V2_UDP_PORT = 4791;
    public static final int ETHERNET_HEADER = 14;
    public static final int IPV4_HEADER = 20;
    public static final int UDP_HEADER = 8;
    public static final int BTH = 12;
    /** Offset of the BTH in an encoded frame. */
    public static final int BTH_OFFSET = ETHERNET_HEADER + IPV4_HEADER + UDP_HEADER;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int IP_PROTO_UDP = 17;
    static final int TTL = 64;
    /** DSCP 26 (AF31), the common lossless RoCE class, and ECN ECT(0) so switches can mark congestion. */
    static final int TOS = (26 << 2) | 0b10;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int DEFAULT_P_KEY = 0xFFFF;
    /** MigReq 1: no automatic path migration is armed, the state every non-APM RC QP reports. */
    private static final int MIG_REQ = 0x40;

    private int ipIdentification;

    /** Bytes of the frame {@code packet} encodes to. */
    public static int frameLength(RocePacket packet) {
        return BTH_OFFSET + BTH + packet.opcode().extendedHeaderLength() + packet.payloadLength()
                + packet.padCount() + Icrc.LENGTH;
    }

    /** {@return the Ethernet frame of {@code p}: Ethernet, IPv4, UDP, BTH, extended headers, payload, ICRC} */
    public byte[] encode(RocePacket p) {
        final byte[] frame = new byte[frameLength(p)];
        final ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);
        b.put(FabricAddressing.mac(p.dstEndpoint())).put(FabricAddressing.mac(p.srcEndpoint()));
        b.putShort((short) ETHERTYPE_IPV4);

        final int ipLength = frame.length - ETHERNET_HEADER;
        b.put((byte) 0x45).put((byte) TOS).putShort((short) ipLength);
        b.putShort((short) ipIdentification).putShort((short) DONT_FRAGMENT);
        ipIdentification = (ipIdentification + 1) & 0xFFFF;
        b.put((byte) TTL).put((byte) IP_PROTO_UDP).putShort((short) 0);
        b.put(FabricAddressing.ipv4(p.srcEndpoint())).put(FabricAddressing.ipv4(p.dstEndpoint()));
        b.putShort(ETHERNET_HEADER + 10, (short) Ipv4Checksum.compute(frame, ETHERNET_HEADER, IPV4_HEADER));

        b.putShort((short) FabricAddressing.udpSourcePort(p.srcQpn(), p.dstQpn()));
        b.putShort((short) ROCE_V2_UDP_PORT).putShort((short) (ipLength - IPV4_HEADER)).putShort((short) 0);

        b.put((byte) p.opcode().code());
        b.put((byte) (MIG_REQ | p.padCount() << 4));           // SE 0, M, pad count, transport version 0
        b.putShort((short) DEFAULT_P_KEY);
        b.putInt(p.dstQpn() & Psn.MASK);                       // FECN 0, BECN 0, resv6a 0, dest QP
        b.putInt((p.ackRequest() ? 0x8000_0000 : 0) | (p.psn() & Psn.MASK));

        if (p.opcode().hasDeth()) {
            b.putInt(Deth.GSI_QKEY).putInt(p.srcQpn() & Psn.MASK);   // reserved byte, then the source QP
        }
        if (p.reth() != null) {
            b.putLong(p.reth().virtualAddress()).putInt(p.reth().rkey()).putInt(p.reth().dmaLength());
        }
        if (p.aeth() != null) {
            b.putInt(p.aeth().syndrome() << 24 | (p.aeth().msn() & Psn.MASK));
        }
        if (p.opcode().hasIeth()) {
            b.putInt(p.iethRkey());
        }
        b.put(p.payload(), p.payloadOffset(), p.payloadLength());
        b.position(b.position() + p.padCount());
        final int icrcOffset = b.position();
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(Icrc.compute(frame, ETHERNET_HEADER, icrcOffset));
        return frame;
    }
}
