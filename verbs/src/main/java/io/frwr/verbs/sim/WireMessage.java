package io.frwr.verbs.sim;

/**
 * One message as it crosses the simulated wire, for capture: the fabric reports each SEND, RDMA WRITE,
 * READ request/response and ACK/NAK here once it executes, and each connection-manager MAD (CM REQ, REP, RTU,
 * REJ, DREQ, DREP) when the CM exchanges it. A capture writer splits it into MTU-sized packets and adds the
 * headers (BTH, RETH, AETH, IETH, DETH) a RoCEv2 port would show.
 *
 * <p>A CM MAD travels between the GSI QPs (QP1) of the two endpoints, so {@code srcQpn} and {@code dstQpn} are
 * both {@link #GSI_QPN}; the connection's own QP numbers are in {@link Cm}, and {@code payload} is the
 * consumer's private data.
 *
 * @param timeNanos      fabric time of the transfer (virtual in stepped mode)
 * @param srcEndpoint    endpoint id of the sender (stable small integer per endpoint)
 * @param dstEndpoint    endpoint id of the receiver
 * @param srcQpn         sending QP number
 * @param dstQpn         receiving QP number
 * @param kind           what crossed
 * @param payload        the bytes carried (empty for a READ request, ACK or NAK; private data for a CM MAD);
 *                       never modified later
 * @param remoteAddr     RETH virtual address (WRITE, READ request)
 * @param rkey           RETH rkey (WRITE, READ request)
 * @param dmaLength      RETH DMA length (WRITE, READ request)
 * @param invalidateRkey IETH rkey for SEND_WITH_INV
 * @param nak            for NAK: which error the responder reports
 * @param cm             the CM fields of a CM MAD; null for every other kind
 */
public record WireMessage(long timeNanos, int srcEndpoint, int dstEndpoint, int srcQpn, int dstQpn, Kind kind,
                          byte[] payload, long remoteAddr, int rkey, int dmaLength, int invalidateRkey, Nak nak,
                          Cm cm) {
    /** CM MADs are sent and received by the General Services Interface QP. */
    public static final int GSI_QPN = 1;

    /** What the frame is: an RC transfer (SEND .. NAK) or a CM MAD (CM_REQ .. CM_DREP). */
    public enum Kind {
        SEND, SEND_WITH_INV, RDMA_WRITE, RDMA_READ_REQUEST, RDMA_READ_RESPONSE, ACK, NAK,
        CM_REQ, CM_REP, CM_RTU, CM_REJ, CM_DREQ, CM_DREP;

        /** True for the connection-manager MADs, which carry a {@link Cm}. */
        public boolean isCm() {
            return ordinal() >= CM_REQ.ordinal();
        }
    }

    /** The error a NAK reports, as InfiniBand's AETH syndrome names it; NONE on every other kind. */
    public enum Nak {
        NONE, REMOTE_ACCESS_ERROR, INVALID_REQUEST, REMOTE_OPERATIONAL_ERROR, RNR
    }

    /** An RC transfer (SEND .. NAK): no CM fields. */
    public WireMessage(long timeNanos, int srcEndpoint, int dstEndpoint, int srcQpn, int dstQpn, Kind kind,
                       byte[] payload, long remoteAddr, int rkey, int dmaLength, int invalidateRkey, Nak nak) {
        this(timeNanos, srcEndpoint, dstEndpoint, srcQpn, dstQpn, kind, payload, remoteAddr, rkey, dmaLength,
                invalidateRkey, nak, null);
    }

    /** A CM MAD from the GSI QP of {@code srcEndpoint} to that of {@code dstEndpoint}. */
    public static WireMessage cmMad(long timeNanos, int srcEndpoint, int dstEndpoint, Kind kind, Cm cm,
                                 byte[] privateData) {
        if (kind == null || !kind.isCm() || cm == null) {
            throw new IllegalArgumentException("a CM message needs a CM kind (CM_REQ .. CM_DREP) and its CM fields, "
                    + "was " + kind + " with " + cm);
        }
        return new WireMessage(timeNanos, srcEndpoint, dstEndpoint, GSI_QPN, GSI_QPN, kind,
                privateData == null ? new byte[0] : privateData, 0, 0, 0, 0, Nak.NONE, cm);
    }

    /**
     * What a CM MAD says about the connection, named from the sender's side as in the IBA CM messages. Fields a
     * message does not carry are 0: REQ has no remote comm ID and no remote QPN, RTU/REJ/DREP carry neither QPN
     * nor PSN, DREQ names only the remote QPN.
     *
     * @param transactionId MAD transaction ID: REP, RTU and a REJ of a REQ reuse the REQ's; DREP reuses the DREQ's
     * @param localCommId   the sender's communication ID of this connection
     * @param remoteCommId  the receiver's communication ID (0 in a REQ)
     * @param localQpn      the sender's RC QP (REQ, REP)
     * @param remoteQpn     the receiver's RC QP (DREQ)
     * @param startingPsn   the first PSN the sender's QP sends (REQ, REP)
     * @param rejectReason  REJ reason code (IBA table 112), e.g. {@link #REJ_CONSUMER}; 0 for other messages
     */
    public record Cm(long transactionId, int localCommId, int remoteCommId, int localQpn, int remoteQpn,
                     int startingPsn, int rejectReason) {
        /** REJ reason: no listener for the REQ's service ID (what a refused rdma_connect sees). */
        public static final int REJ_INVALID_SERVICE_ID = 8;
        /** REJ reason: the consumer (the listener) rejected; its private data says why. */
        public static final int REJ_CONSUMER = 28;
    }
}
