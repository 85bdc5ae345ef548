package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireMessage.Kind;
import io.frwr.verbs.sim.WireMessage.Nak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapWriterTest {
    @TempDir
    Path dir;

    @Test
    void fixtureBecomesTheExpectedSequenceOfFrames() throws IOException {
        final Path file = dir.resolve("fixture.pcap");
        CaptureFixture.write(file, 4096);
        final byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PcapFormat.globalHeader(), java.util.Arrays.copyOf(bytes, 24));
        final List<PcapRecords.Record> records = PcapRecords.read(file);
        // SEND, ACK, WRITE x3, READ request, READ response x3, SEND_WITH_INV, ACK, WRITE, NAK, SEND, RNR NAK
        final List<Integer> opcodes = records.stream()
                .map(r -> r.frame()[RoceFrameEncoder.BTH_OFFSET] & 0xFF).toList();
        assertEquals(List.of(0x04, 0x11, 0x06, 0x07, 0x08, 0x0C, 0x0D, 0x0E, 0x0F, 0x17, 0x11, 0x0A, 0x11, 0x04,
                0x11), opcodes);
        assertEquals(1_000, records.get(0).timeNanos());
        assertEquals(3_000, records.get(4).timeNanos());
        // Golden frame: the server's ACK of the GETATTR SEND, decoded by tshark and ICRC-checked with scapy.
        assertEquals("0200000000010200000000020800456a0030000140004011b64ec0000202c0000201c8ff12b7001c0000"
                        + "1140ffff00000011000000001f0000010e44bc1d",
                HexFormat.of().formatHex(records.get(1).frame()));
    }

    @Test
    void aFabricExchangeStartsWithCmMadsAndAddressesTheClientQpByItsAlias() throws Exception {
        final Path file = dir.resolve("exchange.pcap");
        assertEquals(9, SimNfsExchange.write(file));
        final List<PcapRecords.Record> records = PcapRecords.read(file);
        // REQ, REP, RTU, call, ACK, reply, ACK, DREQ, DREP
        assertEquals(List.of(0x64, 0x64, 0x64, 0x04, 0x11, 0x04, 0x11, 0x64, 0x64), records.stream()
                .map(r -> r.frame()[RoceFrameEncoder.BTH_OFFSET] & 0xFF).toList());
        final ByteBuffer reply = ByteBuffer.wrap(records.get(5).frame());
        assertEquals(0xFFFF01, reply.getInt(RoceFrameEncoder.BTH_OFFSET + 4), "fabric QP 1 is not the GSI QP");
        final ByteBuffer rep = ByteBuffer.wrap(records.get(1).frame());
        final int mad = RoceFrameEncoder.BTH_OFFSET + RoceFrameEncoder.BTH + Deth.LENGTH;
        final int serverPsn = rep.getInt(mad + CmMad.REP_STARTING_PSN) >>> 8;
        assertEquals(serverPsn, reply.getInt(RoceFrameEncoder.BTH_OFFSET + 8) & 0xFF_FFFF,
                "the reply is the server's first packet, at the PSN its REP announced");
    }

    @Test
    void concurrentTapsNeverInterleavePacketsOfOneMessage() throws Exception {
        final Path file = dir.resolve("concurrent.pcap");
        final int threads = 4;
        final int perThread = 50;
        try (PcapWriter writer = PcapWriter.open(file, 1024)) {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int endpoint = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // 3000 bytes at MTU 1024: FIRST, MIDDLE, LAST from one QP pair per thread.
                        writer.onMessage(new WireMessage(i, endpoint, 10, 100 + endpoint, 200, Kind.RDMA_WRITE,
                                new byte[3000], 0, 1, 3000, 0, Nak.NONE));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);   // hang guard only
            }
            pool.shutdown();
            assertEquals(threads * perThread * 3L, writer.packetsWritten());
        }
        final List<PcapRecords.Record> records = PcapRecords.read(file);
        assertEquals(threads * perThread * 3, records.size());
        final int[] expectedPsn = new int[threads];
        for (int i = 0; i < records.size(); i += 3) {
            final int source = records.get(i).frame()[29] - 1;     // last octet of 192.0.2.x
            for (int k = 0; k < 3; k++) {
                final ByteBuffer frame = ByteBuffer.wrap(records.get(i + k).frame());
                assertEquals(source, frame.get(29) - 1, "packet " + (i + k) + " belongs to another message");
                assertEquals(0x06 + k, frame.get(RoceFrameEncoder.BTH_OFFSET));
                assertEquals(expectedPsn[source]++, frame.getInt(RoceFrameEncoder.BTH_OFFSET + 8) & 0xFF_FFFF);
            }
        }
    }

    @Test
    void closedWriterRefusesMessagesAndCloseIsIdempotent() throws IOException {
        final Path file = dir.resolve("closed.pcap");
        final PcapWriter writer = PcapWriter.open(file);
        writer.onMessage(new WireMessage(0, 0, 1, 1, 2, Kind.SEND, new byte[4], 0, 0, 0, 0, Nak.NONE));
        writer.close();
        writer.close();
        assertEquals(1, PcapRecords.read(file).size());
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.onMessage(
                new WireMessage(0, 0, 1, 1, 2, Kind.SEND, new byte[4], 0, 0, 0, 0, Nak.NONE)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void openRejectsAnMtuThatIsNotAnIbMtuBeforeCreatingTheFile() {
        final Path file = dir.resolve("bad.pcap");
        assertThrows(IllegalArgumentException.class, () -> PcapWriter.open(file, 9000));
        assertTrue(Files.notExists(file));
    }
}
