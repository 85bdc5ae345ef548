package io.frwr.rpc.client;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The requester's own memory for chunks it registers on its behalf: reply chunks, and the copy of a call
 * sent as RDMA_NOMSG. Buffers are mapped on first need in power-of-two sizes and kept for reuse, up to
 * {@code keep} of them, since mapping costs more than a call.
 */
final class ChunkBuffers {
    private static final int MIN_SIZE = 4096;

    private final RdmaDevice device;
    private final int keep;
    private final List<DmaBuffer> free = new ArrayList<>();

    ChunkBuffers(RdmaDevice device, int keep) {
        this.device = device;
        this.keep = keep;
    }

    /** The smallest free buffer of at least {@code bytes}, or a freshly mapped one. */
    DmaBuffer acquire(int bytes) throws VerbsException {
        int best = -1;
        for (int i = 0; i < free.size(); i++) {
            final int len = free.get(i).length();
            if (len >= bytes && (best < 0 || len < free.get(best).length())) {
                best = i;
            }
        }
        if (best >= 0) {
            return free.remove(best);
        }
        final int size = Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
        return device.mapBuffer(ByteBuffer.allocateDirect(size));
    }

    void release(DmaBuffer b) {
        if (free.size() < keep) {
            free.add(b);
        } else {
            device.unmapBuffer(b);
        }
    }

    void unmapAll() {
        free.forEach(device::unmapBuffer);
        free.clear();
    }
}
