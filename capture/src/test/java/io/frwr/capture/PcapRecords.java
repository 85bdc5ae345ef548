package io.frwr.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test-only reader of the frames of a little-endian pcap file, checking each record's framing on the way. */
final class PcapRecords {
    record Record(long timeNanos, byte[] frame) {
    }

    private PcapRecords() {
    }

    static List<Record> read(Path file) throws IOException {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapFormat.GLOBAL_HEADER_LENGTH);
        final List<Record> records = new ArrayList<>();
        while (b.hasRemaining()) {
            final long seconds = b.getInt() & 0xFFFF_FFFFL;
            final long nanos = b.getInt() & 0xFFFF_FFFFL;
            final int captured = b.getInt();
            final int original = b.getInt();
            if (captured != original || captured > b.remaining()) {
                throw new IllegalStateException("bad record at " + b.position() + ": " + captured + "/" + original);
            }
            final byte[] frame = new byte[captured];
            b.get(frame);
            records.add(new Record(seconds * 1_000_000_000L + nanos, frame));
        }
        return records;
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
