package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;
import io.frwr.verbs.sim.WireTap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link WireTap} that records the simulated fabric as a RoCEv2 pcap file, packet by packet as a capture on a
 * real RoCE port shows it, so that Wireshark decodes it through InfiniBand BTH and on into RPC-over-RDMA, ONC
 * RPC and NFS. Thread-safe (one lock around segmenting, encoding and writing, so packets of one message are
 * never interleaved with another's) and buffered; {@link #close()} flushes.
 *
 * <p>Every packet of a message gets the message's fabric time; the fabric reports one time per transfer.
 */
public final class PcapWriter implements WireTap, AutoCloseable {
    /** The IB path MTU packets are cut to unless the caller says otherwise: RoCE's largest. */
    public static final int DEFAULT_MTU = 4096;
    private static final int BUFFER_BYTES = 1 << 16;

    private final OutputStream out;
    private final MessageSegmenter segmenter;
    private final RoceFrameEncoder encoder = new RoceFrameEncoder();
    private boolean closed;
    private long packetsWritten;

    private PcapWriter(OutputStream out, int mtu) {
        this.out = out;
        this.segmenter = new MessageSegmenter(mtu);
    }

    /** Creates (or truncates) {@code file} with the default 4096-byte MTU. */
    public static PcapWriter open(Path file) throws IOException {
        return open(file, DEFAULT_MTU);
    }

    /** Creates (or truncates) {@code file}; payloads are split at {@code mtu} (256, 512, 1024, 2048 or 4096). */
    public static PcapWriter open(Path file, int mtu) throws IOException {
        MessageSegmenter.checkMtu(mtu);
        final OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES);
        try {
            out.write(PcapFormat.globalHeader());
        } catch (IOException e) {
            out.close();
            throw e;
        }
        return new PcapWriter(out, mtu);
    }

    /** Writes the packets of {@code message}; an I/O failure surfaces as {@link UncheckedIOException}. */
    @Override
    public synchronized void onMessage(WireMessage message) {
        if (closed) {
            throw new IllegalStateException("PcapWriter is closed; it can record no more messages");
        }
        try {
            for (RocePacket packet : segmenter.segment(message)) {
                final byte[] frame = encoder.encode(packet);
                out.write(PcapFormat.recordHeader(packet.timeNanos(), frame.length));
                out.write(frame);
                packetsWritten++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write capture packet", e);
        }
    }

    /** {@return how many packets (frames) were written so far} */
    public synchronized long packetsWritten() {
        return packetsWritten;
    }

    /** Push buffered frames to the file, so a reader sees them before close. */
    public synchronized void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
