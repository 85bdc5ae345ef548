package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireMessage.Kind;
import io.frwr.verbs.sim.WireMessage.Nak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A short NFS/RDMA conversation between a client (endpoint 0, QP 0x11) and a server (endpoint 1, QP 0x12):
 * GETATTR call, ACK, a 10000-byte RDMA WRITE, a READ request with its 3-packet response, the reply sent with
 * remote invalidation, and NAKs. Run {@link #main} to write it out for tshark.
 */
final class CaptureFixture {
    static final int CLIENT = 0;
    static final int SERVER = 1;
    static final int CLIENT_QP = 0x11;
    static final int SERVER_QP = 0x12;
    static final int WRITE_RKEY = 0x0000_1203;
    static final int READ_RKEY = 0x0000_1305;
    static final long WRITE_VA = 0x7F00_0000_1000L;
    static final long READ_VA = 0x7F00_0010_0000L;

    private CaptureFixture() {
    }

    static List<WireMessage> messages() {
        return List.of(
                toServer(1_000, Kind.SEND, NfsOverRdma.rdmaMsg(NfsOverRdma.getattrCall()), 0, 0, 0, 0, Nak.NONE),
                toClient(2_000, Kind.ACK, new byte[0], 0, 0, 0, 0, Nak.NONE),
                toClient(3_000, Kind.RDMA_WRITE, pattern(10_000), WRITE_VA, WRITE_RKEY, 10_000, 0, Nak.NONE),
                toClient(4_000, Kind.RDMA_READ_REQUEST, new byte[0], READ_VA, READ_RKEY, 10_000, 0, Nak.NONE),
                toServer(5_000, Kind.RDMA_READ_RESPONSE, pattern(10_000), 0, 0, 0, 0, Nak.NONE),
                toClient(6_000, Kind.SEND_WITH_INV, NfsOverRdma.rdmaMsg(NfsOverRdma.getattrReply()),
                        0, 0, 0, WRITE_RKEY, Nak.NONE),
                toServer(7_000, Kind.ACK, new byte[0], 0, 0, 0, 0, Nak.NONE),
                toClient(8_000, Kind.RDMA_WRITE, pattern(64), WRITE_VA, WRITE_RKEY, 64, 0, Nak.NONE),
                toServer(9_000, Kind.NAK, new byte[0], 0, 0, 0, 0, Nak.REMOTE_ACCESS_ERROR),
                // 18 bytes, not XDR: exercises the pad count (2). Wireshark's RPC-over-RDMA heuristic reads 16
                // bytes before checking the length, so anything shorter would be flagged malformed there.
                toServer(10_000, Kind.SEND, "not an RPC message".getBytes(StandardCharsets.US_ASCII),
                        0, 0, 0, 0, Nak.NONE),
                toClient(11_000, Kind.NAK, new byte[0], 0, 0, 0, 0, Nak.RNR));
    }

    static void write(Path file, int mtu) throws IOException {
        try (PcapWriter writer = PcapWriter.open(file, mtu)) {
            messages().forEach(writer::onMessage);
        }
    }

    static byte[] pattern(int length) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    private static WireMessage toServer(long t, Kind kind, byte[] payload, long va, int rkey, int len, int inv,
                                        Nak nak) {
        return new WireMessage(t, CLIENT, SERVER, CLIENT_QP, SERVER_QP, kind, payload, va, rkey, len, inv, nak);
    }

    private static WireMessage toClient(long t, Kind kind, byte[] payload, long va, int rkey, int len, int inv,
                                        Nak nak) {
        return new WireMessage(t, SERVER, CLIENT, SERVER_QP, CLIENT_QP, kind, payload, va, rkey, len, inv, nak);
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "fixture.pcap"), args.length > 1 ? Integer.parseInt(args[1])
                : PcapWriter.DEFAULT_MTU);
    }
}
