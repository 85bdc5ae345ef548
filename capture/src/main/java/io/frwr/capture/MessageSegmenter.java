package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Splits each message the fabric reports into the RC packets a RoCE NIC would put on the wire: payloads cut at
 * the path MTU into FIRST / MIDDLE... / LAST (or ONLY) packets, RETH on the first packet of a WRITE, IETH on the
 * last packet of a SEND_WITH_INV, AETH on the first and last READ response packets, and PSNs from the
 * requester's PSN space of the connection. A CM message becomes one UD SEND_ONLY from QP1 to QP1 carrying its
 * MAD; a REQ and its REP also set where each direction's PSNs start (0 for a connection whose setup the capture
 * missed). Not thread-safe: {@link PcapWriter} serialises calls.
 */
public final class MessageSegmenter {
    /** IB path MTUs (IBA 7.7.1); the MTU counts payload bytes only, not headers. */
    private static final int[] IB_MTUS = {256, 512, 1024, 2048, 4096};

    private final int mtu;
    private final Map<FlowKey, RequesterState> requesters = new HashMap<>();
    /** Starting PSN of each REQ's QP until its REP arrives, by (requesting endpoint, its comm ID). */
    private final Map<CommKey, Integer> requestedPsns = new HashMap<>();

    private record CommKey(int endpoint, int commId) {
    }

    /** Cuts messages into packets of at most {@code mtu} payload bytes (an IB path MTU). */
    public MessageSegmenter(int mtu) {
        this.mtu = checkMtu(mtu);
    }

    /** {@return the path MTU packets are cut to} */
    public int mtu() {
        return mtu;
    }

    static int checkMtu(int mtu) {
        for (int allowed : IB_MTUS) {
            if (allowed == mtu) {
                return mtu;
            }
        }
        throw new IllegalArgumentException("mtu must be an IB path MTU (256, 512, 1024, 2048 or 4096), was " + mtu);
    }

    /** {@return the packets that carry {@code m} on the wire, with PSNs as the QP would number them} */
    public List<RocePacket> segment(WireMessage m) {
        Objects.requireNonNull(m, "message");
        Objects.requireNonNull(m.kind(), "message kind");
        FabricAddressing.checkEndpoint(m.srcEndpoint());
        FabricAddressing.checkEndpoint(m.dstEndpoint());
        if (m.timeNanos() < 0) {
            throw new IllegalArgumentException("message time must be >= 0 ns, was " + m.timeNanos());
        }
        final byte[] payload = m.payload() == null ? new byte[0] : m.payload();
        final FlowKey flow = new FlowKey(m.srcEndpoint(), m.srcQpn(), m.dstEndpoint(), m.dstQpn());
        return switch (m.kind()) {
            case SEND -> send(m, flow, payload, false);
            case SEND_WITH_INV -> send(m, flow, payload, true);
            case RDMA_WRITE -> write(m, flow, payload);
            case RDMA_READ_REQUEST -> readRequest(m, flow);
            case RDMA_READ_RESPONSE -> readResponse(m, flow, payload);
            case ACK -> List.of(acknowledge(m, flow, WireMessage.Nak.NONE));
            case NAK -> {
                if (m.nak() == null || m.nak() == WireMessage.Nak.NONE) {
                    throw new IllegalArgumentException("a NAK message must name its error (REMOTE_ACCESS_ERROR, "
                            + "INVALID_REQUEST, REMOTE_OPERATIONAL_ERROR or RNR), was " + m.nak());
                }
                yield List.of(acknowledge(m, flow, m.nak()));
            }
            case CM_REQ, CM_REP, CM_RTU, CM_REJ, CM_DREQ, CM_DREP -> List.of(cmMad(m));
        };
    }

    private RocePacket cmMad(WireMessage m) {
        final byte[] mad = CmMad.encode(m, mtu);   // validates before any state changes
        final WireMessage.Cm cm = m.cm();
        switch (m.kind()) {
            case CM_REQ -> requestedPsns.put(new CommKey(m.srcEndpoint(), cm.localCommId()), cm.startingPsn());
            case CM_REP -> {
                final Integer requested = requestedPsns.remove(new CommKey(m.dstEndpoint(), cm.remoteCommId()));
                final FlowKey toRequester = new FlowKey(m.srcEndpoint(), cm.localQpn(), m.dstEndpoint(),
                        cm.remoteQpn());
                requesters.put(toRequester, new RequesterState(cm.startingPsn()));
                requesters.put(toRequester.reverse(), new RequesterState(requested == null ? 0 : requested));
            }
            case CM_REJ -> requestedPsns.remove(new CommKey(m.dstEndpoint(), cm.remoteCommId()));
            default -> {
            }
        }
        // The GSI QP of each endpoint numbers its datagrams like any other requester.
        final int psn = requester(new FlowKey(m.srcEndpoint(), WireMessage.GSI_QPN, m.dstEndpoint(),
                WireMessage.GSI_QPN)).takePsns(1);
        return new RocePacket(m.timeNanos(), m.srcEndpoint(), m.dstEndpoint(), WireMessage.GSI_QPN,
                WireMessage.GSI_QPN, IbOpcode.UD_SEND_ONLY, false, psn, null, null, 0, mad, 0, mad.length);
    }

    private List<RocePacket> send(WireMessage m, FlowKey flow, byte[] payload, boolean invalidate) {
        final RequesterState requester = requester(flow);
        final int packets = packetCount(payload.length);
        int psn = requester.takePsns(packets);
        final List<RocePacket> out = new ArrayList<>(packets);
        for (int i = 0; i < packets; i++) {
            final boolean first = i == 0;
            final boolean last = i == packets - 1;
            final IbOpcode opcode;
            if (first && last) {
                opcode = invalidate ? IbOpcode.SEND_ONLY_WITH_INVALIDATE : IbOpcode.SEND_ONLY;
            } else if (first) {
                opcode = IbOpcode.SEND_FIRST;
            } else if (last) {
                opcode = invalidate ? IbOpcode.SEND_LAST_WITH_INVALIDATE : IbOpcode.SEND_LAST;
            } else {
                opcode = IbOpcode.SEND_MIDDLE;
            }
            out.add(packet(m, opcode, last, psn, null, null, m.invalidateRkey(), payload, i));
            psn = Psn.add(psn, 1);
        }
        requester.completeMessage();
        return out;
    }

    private List<RocePacket> write(WireMessage m, FlowKey flow, byte[] payload) {
        final RequesterState requester = requester(flow);
        final int packets = packetCount(payload.length);
        int psn = requester.takePsns(packets);
        // The RETH length is the whole WRITE's length, which is the payload that crosses.
        final Reth reth = new Reth(m.remoteAddr(), m.rkey(), payload.length);
        final List<RocePacket> out = new ArrayList<>(packets);
        for (int i = 0; i < packets; i++) {
            final boolean first = i == 0;
            final boolean last = i == packets - 1;
            final IbOpcode opcode = first && last ? IbOpcode.RDMA_WRITE_ONLY
                    : first ? IbOpcode.RDMA_WRITE_FIRST
                    : last ? IbOpcode.RDMA_WRITE_LAST
                    : IbOpcode.RDMA_WRITE_MIDDLE;
            out.add(packet(m, opcode, last, psn, first ? reth : null, null, 0, payload, i));
            psn = Psn.add(psn, 1);
        }
        requester.completeMessage();
        return out;
    }

    private List<RocePacket> readRequest(WireMessage m, FlowKey flow) {
        final RequesterState requester = requester(flow);
        // A READ request consumes one PSN per response packet it asks for, as on a real RC QP.
        final int first = requester.takePsns(packetCount(m.dmaLength()));
        requester.readRequested(first);
        final Reth reth = new Reth(m.remoteAddr(), m.rkey(), m.dmaLength());
        return List.of(packet(m, IbOpcode.RDMA_READ_REQUEST, true, first, reth, null, 0, new byte[0], 0));
    }

    private List<RocePacket> readResponse(WireMessage m, FlowKey flow, byte[] payload) {
        final RequesterState requester = requester(flow.reverse());
        final int packets = packetCount(payload.length);
        int psn = requester.takeReadResponsePsn(packets);
        final Aeth aeth = Aeth.ack(requester.completeMessage());
        final List<RocePacket> out = new ArrayList<>(packets);
        for (int i = 0; i < packets; i++) {
            final boolean first = i == 0;
            final boolean last = i == packets - 1;
            final IbOpcode opcode = first && last ? IbOpcode.RDMA_READ_RESPONSE_ONLY
                    : first ? IbOpcode.RDMA_READ_RESPONSE_FIRST
                    : last ? IbOpcode.RDMA_READ_RESPONSE_LAST
                    : IbOpcode.RDMA_READ_RESPONSE_MIDDLE;
            out.add(packet(m, opcode, false, psn, null, opcode.hasAeth() ? aeth : null, 0, payload, i));
            psn = Psn.add(psn, 1);
        }
        return out;
    }

    private RocePacket acknowledge(WireMessage m, FlowKey flow, WireMessage.Nak nak) {
        final RequesterState requester = requester(flow.reverse());
        final Aeth aeth = Aeth.of(nak, requester.msn());
        return packet(m, IbOpcode.ACKNOWLEDGE, false, requester.lastPsn(), null, aeth, 0, new byte[0], 0);
    }

    private RocePacket packet(WireMessage m, IbOpcode opcode, boolean ackRequest, int psn, Reth reth, Aeth aeth,
                              int iethRkey, byte[] payload, int index) {
        final int offset = Math.min(index * mtu, payload.length);
        final int length = Math.min(mtu, payload.length - offset);
        return new RocePacket(m.timeNanos(), m.srcEndpoint(), m.dstEndpoint(), FabricAddressing.wireQpn(m.srcQpn()),
                FabricAddressing.wireQpn(m.dstQpn()), opcode, ackRequest, psn, reth, aeth, iethRkey, payload, offset,
                length);
    }

    private int packetCount(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("DMA length must be 0..2147483647 bytes, was " + bytes);
        }
        return Math.max(1, (int) ((bytes + (long) mtu - 1) / mtu));
    }

    private RequesterState requester(FlowKey flow) {
        return requesters.computeIfAbsent(flow, f -> new RequesterState(0));
    }
}
