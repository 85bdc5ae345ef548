package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encodes a CM message of the fabric as the 256-byte Communication Management MAD a RoCEv2 port sends to QP1:
 * the common MAD header (IBA 13.4.3) and the REQ, REP, RTU, REJ, DREQ or DREP layout of IBA 12.6. Offsets below
 * are from the start of the MAD. Path fields are those of RoCEv2: permissive LIDs, IPv4-mapped GIDs, routed (not
 * subnet-local); a REQ uses the RDMA-CM IP service ID and private-data header, as rdma_connect() does.
 */
public final class CmMad {
    public static final int LENGTH = 256;

    // Common MAD header.
    public static final int BASE_VERSION = 1;
    public static final int MGMT_CLASS_CM = 0x07;
    public static final int CM_CLASS_VERSION = 2;
    public static final int METHOD_SEND = 0x03;
    public static final int TRANSACTION_ID = 8;
    public static final int ATTRIBUTE_ID = 16;
    public static final int ATTRIBUTE_MODIFIER = 20;
    /** Every CM message starts with the sender's and the receiver's communication IDs. */
    public static final int LOCAL_COMM_ID = 24;
    public static final int REMOTE_COMM_ID = 28;

    // REQ (IBA 12.6.5).
    public static final int REQ_SERVICE_ID = 32;
    public static final int REQ_LOCAL_CA_GUID = 40;
    public static final int REQ_LOCAL_QKEY = 52;
    public static final int REQ_LOCAL_QPN = 56;          // 24 bits, then responder resources
    public static final int REQ_LOCAL_EECN = 60;         // 24 bits, then initiator depth
    public static final int REQ_REMOTE_EECN = 64;        // 24 bits, then CM timeout / transport type / flow control
    public static final int REQ_STARTING_PSN = 68;       // 24 bits, then local CM timeout / retry count
    public static final int REQ_PKEY = 72;
    public static final int REQ_PATH_MTU = 74;           // MTU:4, RDC exists:1, RNR retry count:3
    public static final int REQ_MAX_CM_RETRIES = 75;     // max CM retries:4, SRQ:1, extended transport:3
    public static final int REQ_PRIMARY_LOCAL_LID = 76;
    public static final int REQ_PRIMARY_REMOTE_LID = 78;
    public static final int REQ_PRIMARY_LOCAL_GID = 80;
    public static final int REQ_PRIMARY_REMOTE_GID = 96;
    public static final int REQ_PRIMARY_FLOW_LABEL = 112; // flow label:20, reserved:6, packet rate:6
    public static final int REQ_PRIMARY_TRAFFIC_CLASS = 116;
    public static final int REQ_PRIMARY_HOP_LIMIT = 117;
    public static final int REQ_PRIMARY_SL = 118;         // SL:4, subnet local:1, reserved:3
    public static final int REQ_PRIMARY_ACK_TIMEOUT = 119; // local ACK timeout:5, reserved:3
    public static final int REQ_PRIVATE_DATA = 164;       // after an all-zero alternate path (120..163)

    // REP (IBA 12.6.8).
    public static final int REP_LOCAL_QKEY = 32;
    public static final int REP_LOCAL_QPN = 36;
    public static final int REP_LOCAL_EECN = 40;
    public static final int REP_STARTING_PSN = 44;
    public static final int REP_RESPONDER_RESOURCES = 48;
    public static final int REP_INITIATOR_DEPTH = 49;
    public static final int REP_FLOW_CONTROL = 50;       // target ACK delay:5, failover:2, end-to-end flow control:1
    public static final int REP_RNR_RETRY = 51;          // RNR retry count:3, SRQ:1, reserved:4
    public static final int REP_LOCAL_CA_GUID = 52;
    public static final int REP_PRIVATE_DATA = 60;

    // RTU, DREP (IBA 12.6.9, 12.6.11) and REJ, DREQ (IBA 12.6.7, 12.6.10).
    public static final int RTU_PRIVATE_DATA = 32;
    public static final int DREP_PRIVATE_DATA = 32;
    public static final int REJ_MESSAGE_REJECTED = 32;   // which message is rejected:2 (0 = REQ), reserved:6
    public static final int REJ_INFO_LENGTH = 33;        // additional reject info length:7, reserved:1
    public static final int REJ_REASON = 34;
    public static final int REJ_PRIVATE_DATA = 108;      // after 72 bytes of additional reject info
    public static final int DREQ_REMOTE_QPN = 32;
    public static final int DREQ_PRIVATE_DATA = 36;

    /** rdma_cm's CMA_CM_RESPONSE_TIMEOUT: 4.096 us * 2^20, about 4.3 s. */
    static final int CM_RESPONSE_TIMEOUT = 20;
    static final int MAX_CM_RETRIES = 15;
    static final int RETRY_COUNT = 7;
    /** 7 means "retry RNR NAKs forever", what NFS/RDMA asks for. */
    static final int RNR_RETRY_COUNT = 7;
    /** Outstanding RDMA READs each side accepts and issues; typical of the NICs NFS/RDMA runs on. */
    static final int RDMA_READ_DEPTH = 16;
    /** Local ACK timeout 4.096 us * 2^14, about 67 ms. */
    static final int LOCAL_ACK_TIMEOUT = 14;
    static final int PERMISSIVE_LID = 0xFFFF;
    static final int DEFAULT_P_KEY = 0xFFFF;

    private CmMad() {
    }

    /**
     * The MAD of CM message {@code m}; QP numbers are written as the capture shows them
     * ({@link FabricAddressing#wireQpn}), the path MTU is the capture's.
     */
    public static byte[] encode(WireMessage m, int mtu) {
        Objects.requireNonNull(m, "message");
        final CmAttribute attribute = CmAttribute.of(m.kind());
        final WireMessage.Cm cm = m.cm();
        if (cm == null) {
            throw new IllegalArgumentException("a " + m.kind() + " message needs its CM fields (WireMessage.cm), "
                    + "was null");
        }
        final byte[] privateData = m.payload() == null ? new byte[0] : m.payload();
        final int room = attribute == CmAttribute.REQ ? IpCmPrivateData.CONSUMER_LENGTH
                : attribute.privateDataLength();
        if (privateData.length > room) {
            throw new IllegalArgumentException("a CM " + attribute + " carries at most " + room
                    + " bytes of private data, was " + privateData.length);
        }
        final ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) BASE_VERSION).put((byte) MGMT_CLASS_CM).put((byte) CM_CLASS_VERSION).put((byte) METHOD_SEND);
        b.putLong(TRANSACTION_ID, cm.transactionId());
        b.putShort(ATTRIBUTE_ID, (short) attribute.id());
        b.putInt(LOCAL_COMM_ID, cm.localCommId()).putInt(REMOTE_COMM_ID, cm.remoteCommId());
        switch (attribute) {
            case REQ -> req(b, m, cm, mtu, privateData);
            case REP -> rep(b, m, cm, privateData);
            case RTU -> b.put(RTU_PRIVATE_DATA, privateData);
            case REJ -> rej(b, cm, privateData);
            case DREQ -> {
                b.putInt(DREQ_REMOTE_QPN, FabricAddressing.wireQpn(cm.remoteQpn()) << 8);
                b.put(DREQ_PRIVATE_DATA, privateData);
            }
            case DREP -> b.put(DREP_PRIVATE_DATA, privateData);
        }
        return b.array();
    }

    private static void req(ByteBuffer b, WireMessage m, WireMessage.Cm cm, int mtu, byte[] privateData) {
        b.putLong(REQ_SERVICE_ID, IpCmPrivateData.serviceId(IpCmPrivateData.NFS_RDMA_PORT));
        b.putLong(REQ_LOCAL_CA_GUID, FabricAddressing.caGuid(m.srcEndpoint()));
        b.putInt(REQ_LOCAL_QKEY, 0);                                  // RC: no Q_Key
        b.putInt(REQ_LOCAL_QPN, FabricAddressing.wireQpn(cm.localQpn()) << 8 | RDMA_READ_DEPTH);
        b.putInt(REQ_LOCAL_EECN, RDMA_READ_DEPTH);                    // no EEC; initiator depth
        b.putInt(REQ_REMOTE_EECN, CM_RESPONSE_TIMEOUT << 3 | 1);      // transport type RC (0), flow control on
        b.putInt(REQ_STARTING_PSN, (cm.startingPsn() & Psn.MASK) << 8 | CM_RESPONSE_TIMEOUT << 3 | RETRY_COUNT);
        b.putShort(REQ_PKEY, (short) DEFAULT_P_KEY);
        b.put(REQ_PATH_MTU, (byte) (mtuCode(mtu) << 4 | RNR_RETRY_COUNT));
        b.put(REQ_MAX_CM_RETRIES, (byte) (MAX_CM_RETRIES << 4));
        b.putShort(REQ_PRIMARY_LOCAL_LID, (short) PERMISSIVE_LID);
        b.putShort(REQ_PRIMARY_REMOTE_LID, (short) PERMISSIVE_LID);
        b.put(REQ_PRIMARY_LOCAL_GID, FabricAddressing.ipv4MappedGid(m.srcEndpoint()));
        b.put(REQ_PRIMARY_REMOTE_GID, FabricAddressing.ipv4MappedGid(m.dstEndpoint()));
        b.put(REQ_PRIMARY_TRAFFIC_CLASS, (byte) RoceFrameEncoder.TOS);
        b.put(REQ_PRIMARY_HOP_LIMIT, (byte) RoceFrameEncoder.TTL);
        b.put(REQ_PRIMARY_SL, (byte) 0);                              // SL 0, routed: not subnet-local
        b.put(REQ_PRIMARY_ACK_TIMEOUT, (byte) (LOCAL_ACK_TIMEOUT << 3));
        b.position(REQ_PRIVATE_DATA);
        IpCmPrivateData.put(b, m.srcEndpoint(), m.dstEndpoint(), IpCmPrivateData.sourcePort(cm.localCommId()),
                privateData);
    }

    private static void rep(ByteBuffer b, WireMessage m, WireMessage.Cm cm, byte[] privateData) {
        b.putInt(REP_LOCAL_QKEY, 0);
        b.putInt(REP_LOCAL_QPN, FabricAddressing.wireQpn(cm.localQpn()) << 8);
        b.putInt(REP_STARTING_PSN, (cm.startingPsn() & Psn.MASK) << 8);
        b.put(REP_RESPONDER_RESOURCES, (byte) RDMA_READ_DEPTH);
        b.put(REP_INITIATOR_DEPTH, (byte) RDMA_READ_DEPTH);
        b.put(REP_FLOW_CONTROL, (byte) 1);                            // no target ACK delay, failover 0, flow control
        b.put(REP_RNR_RETRY, (byte) (RNR_RETRY_COUNT << 5));
        b.putLong(REP_LOCAL_CA_GUID, FabricAddressing.caGuid(m.srcEndpoint()));
        b.put(REP_PRIVATE_DATA, privateData);
    }

    private static void rej(ByteBuffer b, WireMessage.Cm cm, byte[] privateData) {
        b.put(REJ_MESSAGE_REJECTED, (byte) 0);                         // the REQ; no additional reject info
        b.put(REJ_INFO_LENGTH, (byte) 0);
        b.putShort(REJ_REASON, (short) cm.rejectReason());
        b.put(REJ_PRIVATE_DATA, privateData);
    }

    /** IBA path MTU codes: 1 = 256 .. 5 = 4096. */
    static int mtuCode(int mtu) {
        return Integer.numberOfTrailingZeros(MessageSegmenter.checkMtu(mtu)) - 7;
    }
}
