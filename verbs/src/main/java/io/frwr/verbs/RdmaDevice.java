package io.frwr.verbs;

import java.nio.ByteBuffer;

/** One RDMA device (one endpoint of the simulated fabric, or one NIC port). */
public interface RdmaDevice extends AutoCloseable {
    DeviceAttributes attributes();

    ProtectionDomain allocPd() throws VerbsException;

    CompletionQueue createCq(int capacity) throws VerbsException;

    /** DMA-map a direct buffer (EINVAL for a heap buffer). The same buffer may be mapped once. */
    DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException;

    void unmapBuffer(DmaBuffer buffer);

    /**
     * True if {@code buffer} was mapped by this device: only such memory can be fast-registered on it (memory of
     * another device would fail the FAST_REG with a local protection error and take the QP down for every user).
     * Wrappers answer for the device they wrap.
     */
    default boolean maps(DmaBuffer buffer) {
        return buffer.owner() == this;
    }

    ConnectionManager connectionManager();

    @Override
    void close();
}
