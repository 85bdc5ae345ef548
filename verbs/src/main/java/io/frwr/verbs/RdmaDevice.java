package io.frwr.verbs;

import java.nio.ByteBuffer;

/** One RDMA device (one endpoint of the simulated fabric, or one NIC port). */
public interface RdmaDevice extends AutoCloseable {
    /** {@return the device's limits: page size, fast-reg depth, WRs per QP, MRs, SG-gap support} */
    DeviceAttributes attributes();

    /** {@return a new protection domain: MRs and QPs in it can reach each other, and nothing else can} */
    ProtectionDomain allocPd() throws VerbsException;

    /** {@return a completion queue holding up to {@code capacity} completions} */
    CompletionQueue createCq(int capacity) throws VerbsException;

    /** DMA-map a direct buffer (EINVAL for a heap buffer). The same buffer may be mapped once. */
    DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException;

    /** Undo mapBuffer; a remote access through a registration still mapping the buffer is refused after it. */
    void unmapBuffer(DmaBuffer buffer);

    /**
     * True if {@code buffer} was mapped by this device: only such memory can be fast-registered on it (memory of
     * another device would fail the FAST_REG with a local protection error and take the QP down for every user).
     * Wrappers answer for the device they wrap.
     */
    default boolean maps(DmaBuffer buffer) {
        return buffer.owner() == this;
    }

    /** {@return the CM that listens and connects on this device} */
    ConnectionManager connectionManager();

    @Override
    void close();
}
