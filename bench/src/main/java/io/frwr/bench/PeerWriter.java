package io.frwr.bench;

import io.frwr.actors.Handle;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WorkCompletion;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 2 of the FRWR cycle, played by the responder: an RDMA WRITE into a registered chunk, signaled, and
 * waited for, so a cycle counts only once the peer's access has really executed (and succeeded).
 * Single-threaded: one writer per driver.
 */
public final class PeerWriter {
    /** Hang guard for a completion; with zero costs the WRITE completes inside postSend. */
    private static final long COMPLETION_GUARD_NANOS = 10_000_000_000L;

    private final SimPair pair;
    private final DmaBuffer source;
    private final List<WorkCompletion> wcs = new ArrayList<>(4);
    private long nextWrId = 1;

    public PeerWriter(SimPair pair, int maxLength) throws VerbsException {
        this.pair = pair;
        final ByteBuffer b = ByteBuffer.allocateDirect(maxLength);
        for (int i = 0; i < maxLength; i++) {
            b.put(i, (byte) i);
        }
        this.source = pair.server().mapBuffer(b);
    }

    /** RDMA WRITE {@code handle.length()} bytes at the handle; throws unless it completed with SUCCESS. */
    public void write(Handle handle) {
        final SimPair.ServerQp s = pair.serverQp();
        if (s == null) {
            throw new IllegalStateException("the responder has no connection yet");
        }
        if (handle.length() > source.length()) {
            throw new IllegalArgumentException("handle of " + handle.length() + " bytes exceeds the writer's "
                    + source.length() + "-byte source");
        }
        final long wrId = nextWrId++;
        try {
            s.qp().postSend(new SendWr.RdmaWrite(wrId, true, List.of(source.segment(0, handle.length())),
                    handle.offset(), handle.rkey()));
        } catch (PostSendException e) {
            throw new IllegalStateException("responder RDMA WRITE not posted: " + e.getMessage(), e);
        }
        final WorkCompletion wc = awaitOne(s);
        if (!wc.status().isSuccess() || wc.wrId() != wrId) {
            throw new IllegalStateException("responder RDMA WRITE to " + handle + " completed with " + wc);
        }
    }

    private WorkCompletion awaitOne(SimPair.ServerQp s) {
        final long deadline = System.nanoTime() + COMPLETION_GUARD_NANOS;
        wcs.clear();
        while (s.sendCq().poll(wcs, 1) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no completion for the responder's RDMA WRITE in 10 s");
            }
            Thread.onSpinWait();
        }
        return wcs.get(0);
    }

    /** Used by checks: the byte the writer puts at offset {@code i} of a chunk. */
    public static byte patternAt(int i) {
        return (byte) i;
    }
}
