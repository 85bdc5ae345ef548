package io.frwr.capture;

import java.util.Objects;

/**
 * One RoCEv2 packet before encoding: the BTH fields that vary, the extended headers its opcode needs and the
 * slice of the message payload it carries.
 *
 * @param timeNanos     capture timestamp
 * @param srcEndpoint   sending endpoint id (source MAC and IP)
 * @param dstEndpoint   receiving endpoint id (destination MAC and IP)
 * @param srcQpn        sending QP number: UDP source-port entropy, and the DETH source QP of a UD packet
 * @param dstQpn        BTH destination QP
 * @param opcode        BTH opcode
 * @param ackRequest    BTH A bit: the requester asks for an ACK of this packet
 * @param psn           BTH PSN (24 bits)
 * @param reth          RETH, non-null exactly when the opcode has one
 * @param aeth          AETH, non-null exactly when the opcode has one
 * @param iethRkey      IETH rkey to invalidate, used only when the opcode has an IETH
 * @param payload       the message payload this packet carries a slice of
 * @param payloadOffset start of the slice
 * @param payloadLength length of the slice (before padding)
 */
public record RocePacket(long timeNanos, int srcEndpoint, int dstEndpoint, int srcQpn, int dstQpn, IbOpcode opcode,
                         boolean ackRequest, int psn, Reth reth, Aeth aeth, int iethRkey,
                         byte[] payload, int payloadOffset, int payloadLength) {
    /** Checks that the extended headers match the opcode, so no frame goes out that Wireshark would misread. */
    public RocePacket {
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(payload, "payload");
        if (opcode.hasReth() != (reth != null)) {
            throw new IllegalArgumentException(opcode + (opcode.hasReth() ? " needs" : " takes no") + " RETH");
        }
        if (opcode.hasAeth() != (aeth != null)) {
            throw new IllegalArgumentException(opcode + (opcode.hasAeth() ? " needs" : " takes no") + " AETH");
        }
        if (payloadOffset < 0 || payloadLength < 0 || payloadOffset + payloadLength > payload.length) {
            throw new IllegalArgumentException("payload slice [" + payloadOffset + ", +" + payloadLength
                    + ") must lie within the " + payload.length + "-byte payload");
        }
        if (dstQpn < 0 || dstQpn > Psn.MASK) {
            throw new IllegalArgumentException("destination QP must fit in 24 bits (0..16777215), was " + dstQpn);
        }
    }

    /** Bytes added after the payload so that it ends on a 4-byte boundary; the BTH pad count says how many. */
    public int padCount() {
        return (4 - (payloadLength & 3)) & 3;
    }
}
