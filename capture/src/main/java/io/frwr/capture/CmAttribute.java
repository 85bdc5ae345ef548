package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;

/** The CM MAD attributes (IBA vol 1, table 104) the fabric's connection manager exchanges. */
public enum CmAttribute {
    REQ(0x0010, 92),
    REJ(0x0012, 148),
    REP(0x0013, 196),
    RTU(0x0014, 224),
    DREQ(0x0015, 220),
    DREP(0x0016, 224);

    private final int id;
    private final int privateDataLength;

    CmAttribute(int id, int privateDataLength) {
        this.id = id;
        this.privateDataLength = privateDataLength;
    }

    /** The MAD header's AttributeID. */
    public int id() {
        return id;
    }

    /** Bytes of private data the message has room for (the REQ's include the 36-byte RDMA-CM IP header). */
    public int privateDataLength() {
        return privateDataLength;
    }

    /** {@return the CM attribute that carries a fabric message of {@code kind}} */
    public static CmAttribute of(WireMessage.Kind kind) {
        return switch (kind) {
            case CM_REQ -> REQ;
            case CM_REP -> REP;
            case CM_RTU -> RTU;
            case CM_REJ -> REJ;
            case CM_DREQ -> DREQ;
            case CM_DREP -> DREP;
            default -> throw new IllegalArgumentException("only CM_REQ, CM_REP, CM_RTU, CM_REJ, CM_DREQ and CM_DREP "
                    + "are CM MADs, was " + kind);
        };
    }
}
