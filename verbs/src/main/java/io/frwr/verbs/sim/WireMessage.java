package io.frwr.verbs.sim;

/**
 * One message as it crosses the simulated wire, for capture: the fabric reports each SEND, RDMA WRITE,
 * READ request/response and ACK/NAK here once it executes. A capture writer splits it into MTU-sized
 * packets and adds the headers (BTH, RETH, AETH, IETH) a RoCEv2 port would show.
 *
 * @param timeNanos      fabric time of the transfer (virtual in stepped mode)
 * @param srcEndpoint    endpoint id of the sender (stable small integer per endpoint)
 * @param dstEndpoint    endpoint id of the receiver
 * @param srcQpn         sending QP number
 * @param dstQpn         receiving QP number
 * @param kind           what crossed
 * @param payload        the bytes carried (empty for a READ request, ACK or NAK); never modified later
 * @param remoteAddr     RETH virtual address (WRITE, READ request)
 * @param rkey           RETH rkey (WRITE, READ request)
 * @param dmaLength      RETH DMA length (WRITE, READ request)
 * @param invalidateRkey IETH rkey for SEND_WITH_INV
 * @param nak            for NAK: which error the responder reports
 */
public record WireMessage(long timeNanos, int srcEndpoint, int dstEndpoint, int srcQpn, int dstQpn, Kind kind,
                          byte[] payload, long remoteAddr, int rkey, int dmaLength, int invalidateRkey, Nak nak) {
    public enum Kind {
        SEND, SEND_WITH_INV, RDMA_WRITE, RDMA_READ_REQUEST, RDMA_READ_RESPONSE, ACK, NAK
    }

    public enum Nak {
        NONE, REMOTE_ACCESS_ERROR, INVALID_REQUEST, REMOTE_OPERATIONAL_ERROR, RNR
    }
}
