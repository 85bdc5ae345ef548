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

    ConnectionManager connectionManager();

    @Override
    void close();
}
