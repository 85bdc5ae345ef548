package io.frwr.actors;

/**
 * Where and how to listen: the passive side's {@link ConnectionSpec}.
 *
 * @param address           the CM address to listen at (a sim endpoint's name; "ip:port" with disni)
 * @param privateData       sent with every accept (RFC 8797's message, for example); may be empty
 * @param receiveBufferSize bytes per posted receive of each accepted connection: the largest message it accepts
 */
public record ListenSpec(String address, byte[] privateData, int receiveBufferSize) {
    public ListenSpec {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("listen address must be given");
        }
        if (receiveBufferSize < 64 || receiveBufferSize > (1 << 20)) {
            throw new IllegalArgumentException("receive buffer size must be between 64 and 1048576 bytes, was "
                    + receiveBufferSize);
        }
        privateData = privateData == null ? new byte[0] : privateData.clone();
    }

    /** Listen at {@code address}, no private data, 4 KiB receives. */
    public static ListenSpec at(String address) {
        return new ListenSpec(address, new byte[0], 4096);
    }

    @Override
    public byte[] privateData() {
        return privateData.clone();
    }
}
