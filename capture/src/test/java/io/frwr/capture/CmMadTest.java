package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireMessage.Cm;
import io.frwr.verbs.sim.WireMessage.Kind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.frwr.capture.CmMad.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field offsets of the CM MADs, checked against IBA 12.6 and Wireshark's packet-infiniband.c. */
class CmMadTest {
    private static final int CLIENT = 0;
    private static final int SERVER = 1;
    private static final long TID = 0x0102_0304_0506_0708L;

    private static ByteBuffer mad(Kind kind, Cm cm, byte[] privateData, int from, int to) {
        final byte[] bytes = CmMad.encode(WireMessage.cmMad(5, from, to, kind, cm, privateData), 4096);
        assertEquals(256, bytes.length);
        return ByteBuffer.wrap(bytes);
    }

    private static int u24(ByteBuffer b, int offset) {
        return b.getInt(offset) >>> 8;
    }

    private static byte[] slice(ByteBuffer b, int offset, int length) {
        return Arrays.copyOfRange(b.array(), offset, offset + length);
    }

    @Test
    void everyMessageHasTheCmMadHeaderWithItsAttributeAndTheTransactionId() {
        final Cm cm = new Cm(TID, 0x11, 0x22, 0x33, 0x44, 0x55, 28);
        final int[] ids = {0x0010, 0x0013, 0x0014, 0x0012, 0x0015, 0x0016};
        final Kind[] kinds = {Kind.CM_REQ, Kind.CM_REP, Kind.CM_RTU, Kind.CM_REJ, Kind.CM_DREQ, Kind.CM_DREP};
        for (int i = 0; i < kinds.length; i++) {
            final ByteBuffer b = mad(kinds[i], cm, new byte[0], CLIENT, SERVER);
            assertArrayEquals(new byte[]{1, 0x07, 2, 0x03}, slice(b, 0, 4), kinds[i] + ": base/class/version/Send");
            assertEquals(0, b.getInt(4), kinds[i] + ": status and class-specific");
            assertEquals(TID, b.getLong(8), kinds[i] + ": transaction ID");
            assertEquals(ids[i], b.getShort(16), kinds[i] + ": attribute ID");
            assertEquals(0, b.getInt(20), kinds[i] + ": attribute modifier");
            assertEquals(0x11, b.getInt(24), kinds[i] + ": local comm ID");
            assertEquals(0x22, b.getInt(28), kinds[i] + ": remote comm ID");
        }
    }

    @Test
    void reqCarriesQpnPsnPathAndTheRdmaCmIpHeader() {
        final Cm cm = new Cm(TID, 0xC0FFEE, 0, 0x1234, 0, 0xABCDEF, 0);
        final ByteBuffer b = mad(Kind.CM_REQ, cm, "mount".getBytes(), CLIENT, SERVER);
        assertEquals(0x0000_0000_0106_4E51L, b.getLong(REQ_SERVICE_ID), "IP CM service: TCP port space, port 20049");
        assertEquals(0x0000_00FF_FE00_0001L, b.getLong(REQ_LOCAL_CA_GUID), "EUI-64 of 02:00:00:00:00:01");
        assertEquals(0x1234, u24(b, REQ_LOCAL_QPN));
        assertEquals(0xABCDEF, u24(b, REQ_STARTING_PSN));
        assertEquals(0, b.get(REQ_REMOTE_EECN + 3) & 0b110, "transport service type RC");
        assertEquals((short) 0xFFFF, b.getShort(REQ_PKEY));
        assertEquals(5, (b.get(REQ_PATH_MTU) & 0xFF) >>> 4, "path MTU code of 4096");
        assertEquals((short) 0xFFFF, b.getShort(REQ_PRIMARY_LOCAL_LID), "RoCE: permissive LID");
        assertArrayEquals(PcapRecords.hex("00000000000000000000ffffc0000201"), slice(b, REQ_PRIMARY_LOCAL_GID, 16));
        assertArrayEquals(PcapRecords.hex("00000000000000000000ffffc0000202"), slice(b, REQ_PRIMARY_REMOTE_GID, 16));
        assertEquals(0, b.get(REQ_PRIMARY_SL) & 0x08, "RoCEv2 is routed, not subnet-local");
        assertEquals(164, REQ_PRIVATE_DATA);
        assertEquals(0x00, b.get(REQ_PRIVATE_DATA), "IP CM version 0.0");
        assertEquals(0x40, b.get(REQ_PRIVATE_DATA + 1), "IPv4");
        assertEquals(IpCmPrivateData.sourcePort(0xC0FFEE), b.getShort(REQ_PRIVATE_DATA + 2) & 0xFFFF);
        assertArrayEquals(new byte[12], slice(b, REQ_PRIVATE_DATA + 4, 12));
        assertArrayEquals(FabricAddressing.ipv4(CLIENT), slice(b, REQ_PRIVATE_DATA + 16, 4));
        assertArrayEquals(FabricAddressing.ipv4(SERVER), slice(b, REQ_PRIVATE_DATA + 32, 4));
        assertArrayEquals("mount".getBytes(), slice(b, REQ_PRIVATE_DATA + 36, 5));
        assertEquals(0, b.get(REQ_PRIVATE_DATA + 41), "consumer data is zero-padded");
    }

    @Test
    void repRtuRejDreqAndDrepPutTheirFieldsWhereTheSpecDoes() {
        final ByteBuffer rep = mad(Kind.CM_REP, new Cm(TID, 2, 1, 0x2222, 0x1111, 0x0F0E0D, 0), "nfsd".getBytes(),
                SERVER, CLIENT);
        assertEquals(0x2222, u24(rep, REP_LOCAL_QPN));
        assertEquals(0x0F0E0D, u24(rep, REP_STARTING_PSN));
        assertEquals(FabricAddressing.caGuid(SERVER), rep.getLong(REP_LOCAL_CA_GUID));
        assertArrayEquals("nfsd".getBytes(), slice(rep, REP_PRIVATE_DATA, 4));
        assertEquals(60, REP_PRIVATE_DATA);

        final ByteBuffer rtu = mad(Kind.CM_RTU, new Cm(TID, 1, 2, 0, 0, 0, 0), new byte[]{9}, CLIENT, SERVER);
        assertEquals(9, rtu.get(RTU_PRIVATE_DATA));

        final ByteBuffer rej = mad(Kind.CM_REJ, new Cm(TID, 2, 1, 0, 0, 0, Cm.REJ_CONSUMER), "no".getBytes(),
                SERVER, CLIENT);
        assertEquals(0, rej.get(REJ_MESSAGE_REJECTED), "the REQ is rejected");
        assertEquals(28, rej.getShort(REJ_REASON));
        assertArrayEquals("no".getBytes(), slice(rej, REJ_PRIVATE_DATA, 2));
        assertEquals(108, REJ_PRIVATE_DATA);

        final ByteBuffer dreq = mad(Kind.CM_DREQ, new Cm(TID, 1, 2, 0, 0x2222, 0, 0), new byte[]{7}, CLIENT, SERVER);
        assertEquals(0x2222, u24(dreq, DREQ_REMOTE_QPN));
        assertEquals(7, dreq.get(DREQ_PRIVATE_DATA));
        final ByteBuffer drep = mad(Kind.CM_DREP, new Cm(TID, 2, 1, 0, 0, 0, 0), new byte[]{8}, SERVER, CLIENT);
        assertEquals(8, drep.get(DREP_PRIVATE_DATA));
    }

    @Test
    void fabricQpOneIsShownUnderItsAliasSoItIsNotTakenForTheGsiQp() {
        final ByteBuffer req = mad(Kind.CM_REQ, new Cm(TID, 1, 0, 1, 0, 0, 0), null, CLIENT, SERVER);
        assertEquals(0xFFFF01, u24(req, REQ_LOCAL_QPN));
        assertEquals(0x000002, FabricAddressing.wireQpn(2));
    }

    @Test
    void oversizedPrivateDataAndMissingCmFieldsAreRefusedByName() {
        final IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> mad(Kind.CM_REQ, new Cm(TID, 1, 0, 2, 0, 0, 0), new byte[57], CLIENT, SERVER));
        assertTrue(tooLong.getMessage().contains("at most 56 bytes"), tooLong.getMessage());
        final IllegalArgumentException rej = assertThrows(IllegalArgumentException.class,
                () -> mad(Kind.CM_REJ, new Cm(TID, 1, 0, 0, 0, 0, 8), new byte[149], SERVER, CLIENT));
        assertTrue(rej.getMessage().contains("REJ carries at most 148"), rej.getMessage());
        final WireMessage noCm = new WireMessage(0, CLIENT, SERVER, 1, 1, Kind.CM_RTU, new byte[0], 0, 0, 0, 0,
                WireMessage.Nak.NONE);
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> CmMad.encode(noCm, 4096));
        assertTrue(missing.getMessage().contains("CM fields"), missing.getMessage());
        final IllegalArgumentException notCm = assertThrows(IllegalArgumentException.class,
                () -> CmAttribute.of(Kind.SEND));
        assertTrue(notCm.getMessage().contains("CM_REQ"), notCm.getMessage());
    }

    @Test
    void aCmMessageIsOneUdSendOnlyFromQp1ToQp1WithTheGsiDeth() {
        final MessageSegmenter segmenter = new MessageSegmenter(1024);
        final RocePacket p = segmenter.segment(WireMessage.cmMad(5, CLIENT, SERVER, Kind.CM_REQ,
                new Cm(TID, 1, 0, 0x20, 0, 0x100, 0), null)).get(0);
        final ByteBuffer f = ByteBuffer.wrap(new RoceFrameEncoder().encode(p));
        final int bth = RoceFrameEncoder.BTH_OFFSET;
        assertEquals(0x64, f.get(bth) & 0xFF, "UD SEND_ONLY");
        assertEquals(1, f.getInt(bth + 4), "destination QP1");
        assertEquals(Deth.GSI_QKEY, f.getInt(bth + 12), "DETH Q_Key");
        assertEquals(1, f.getInt(bth + 16), "DETH source QP1");
        assertEquals(1, f.get(bth + 20), "the MAD follows the DETH");
        assertEquals(3, (f.get(bth + 20 + REQ_PATH_MTU) & 0xFF) >>> 4, "path MTU code of 1024");
        assertEquals(bth + 12 + 8 + 256 + 4, f.capacity());
        final int icrc = Icrc.compute(f.array(), RoceFrameEncoder.ETHERNET_HEADER, f.capacity() - 4);
        assertEquals(icrc, Integer.reverseBytes(f.getInt(f.capacity() - 4)));
    }

    @Test
    void reqAndRepSetWhereEachDirectionsPsnsStart() {
        final MessageSegmenter segmenter = new MessageSegmenter(4096);
        segmenter.segment(WireMessage.cmMad(1, CLIENT, SERVER, Kind.CM_REQ, new Cm(TID, 7, 0, 0x20, 0, 0x500, 0),
                null));
        segmenter.segment(WireMessage.cmMad(2, SERVER, CLIENT, Kind.CM_REP, new Cm(TID, 8, 7, 0x30, 0x20, 0x900, 0),
                null));
        final RocePacket call = segmenter.segment(new WireMessage(3, CLIENT, SERVER, 0x20, 0x30, Kind.SEND,
                new byte[8], 0, 0, 0, 0, WireMessage.Nak.NONE)).get(0);
        final RocePacket reply = segmenter.segment(new WireMessage(4, SERVER, CLIENT, 0x30, 0x20, Kind.SEND,
                new byte[8], 0, 0, 0, 0, WireMessage.Nak.NONE)).get(0);
        assertEquals(0x500, call.psn());
        assertEquals(0x900, reply.psn());
    }
}
