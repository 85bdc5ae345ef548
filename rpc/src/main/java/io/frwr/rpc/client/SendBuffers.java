package io.frwr.rpc.client;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The requester's SEND buffers: one mapped region cut into one slot per credit we may ever be granted, so
 * the hot path never maps memory. A slot is reused only once its SEND completed or failed, and the call's
 * reply arrived (or the call ended).
 */
final class SendBuffers {
    private final DmaBuffer region;
    private final int slotSize;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();

    SendBuffers(RdmaDevice device, int slots, int slotSize) throws VerbsException {
        this.region = device.mapBuffer(ByteBuffer.allocateDirect(slots * slotSize));
        this.slotSize = slotSize;
        for (int i = 0; i < slots; i++) {
            free.add(i);
        }
    }

    /** A free slot, or -1. */
    int acquire() {
        final Integer s = free.poll();
        return s == null ? -1 : s;
    }

    void release(int slot) {
        free.add(slot);
    }

    boolean hasFree() {
        return !free.isEmpty();
    }

    int slotSize() {
        return slotSize;
    }

    int offset(int slot) {
        return slot * slotSize;
    }

    ByteBuffer memory() {
        return region.buffer();
    }

    Segment segment(int slot, int length) {
        return region.segment(slot * slotSize, length);
    }

    void unmap(RdmaDevice device) {
        device.unmapBuffer(region);
    }
}
