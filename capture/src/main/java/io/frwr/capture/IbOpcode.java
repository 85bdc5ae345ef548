package io.frwr.capture;

/**
 * The transport opcodes a capture of the fabric can show (IBA vol 1, table 38), with the extended headers each
 * one carries after the BTH: the RC opcodes the fabric produces, and UD SEND_ONLY for the CM MADs on QP1.
 */
public enum IbOpcode {
    SEND_FIRST(0x00, false, false, false),
    SEND_MIDDLE(0x01, false, false, false),
    SEND_LAST(0x02, false, false, false),
    SEND_ONLY(0x04, false, false, false),
    RDMA_WRITE_FIRST(0x06, true, false, false),
    RDMA_WRITE_MIDDLE(0x07, false, false, false),
    RDMA_WRITE_LAST(0x08, false, false, false),
    RDMA_WRITE_ONLY(0x0A, true, false, false),
    RDMA_READ_REQUEST(0x0C, true, false, false),
    RDMA_READ_RESPONSE_FIRST(0x0D, false, true, false),
    RDMA_READ_RESPONSE_MIDDLE(0x0E, false, false, false),
    RDMA_READ_RESPONSE_LAST(0x0F, false, true, false),
    RDMA_READ_RESPONSE_ONLY(0x10, false, true, false),
    ACKNOWLEDGE(0x11, false, true, false),
    SEND_LAST_WITH_INVALIDATE(0x16, false, false, true),
    SEND_ONLY_WITH_INVALIDATE(0x17, false, false, true),
    /** Unreliable Datagram prefix 011: the only UD packets are CM MADs, which carry a DETH. */
    UD_SEND_ONLY(0x64, false, false, false);

    private final int code;
    private final boolean hasReth;
    private final boolean hasAeth;
    private final boolean hasIeth;

    IbOpcode(int code, boolean hasReth, boolean hasAeth, boolean hasIeth) {
        this.code = code;
        this.hasReth = hasReth;
        this.hasAeth = hasAeth;
        this.hasIeth = hasIeth;
    }

    /** The BTH opcode byte; the transport prefix (top 3 bits: 000 RC, 011 UD) is part of it. */
    public int code() {
        return code;
    }

    /** {@return whether packets of this opcode carry an RETH (remote address, rkey, length)} */
    public boolean hasReth() {
        return hasReth;
    }

    /** {@return whether packets of this opcode carry an AETH (ACK syndrome and MSN)} */
    public boolean hasAeth() {
        return hasAeth;
    }

    /** {@return whether packets of this opcode carry an IETH (the rkey to invalidate)} */
    public boolean hasIeth() {
        return hasIeth;
    }

    /** {@return whether packets of this opcode carry a DETH (UD: the CM's MADs)} */
    public boolean hasDeth() {
        return this == UD_SEND_ONLY;
    }

    /** Bytes of extended transport headers between the BTH and the payload. */
    public int extendedHeaderLength() {
        return (hasDeth() ? Deth.LENGTH : 0) + (hasReth ? Reth.LENGTH : 0) + (hasAeth ? Aeth.LENGTH : 0)
                + (hasIeth ? 4 : 0);
    }
}
