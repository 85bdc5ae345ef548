package io.frwr.actors;

/**
 * Where and how to connect.
 *
 * @param remoteAddress     the responder's CM address
 * @param privateData       sent with the CM request (RFC 8797's message, for example); may be empty
 * @param receiveBufferSize bytes per posted receive: the largest inline message this side accepts
 */
public record ConnectionSpec(String remoteAddress, byte[] privateData, int receiveBufferSize) {
    /** Checks the address and the receive size and copies the private data: a bad spec fails where it is made. */
    public ConnectionSpec {
        if (remoteAddress == null || remoteAddress.isEmpty()) {
            throw new IllegalArgumentException("remote address must be given");
        }
        if (receiveBufferSize < 64 || receiveBufferSize > (1 << 20)) {
            throw new IllegalArgumentException("receive buffer size must be between 64 and 1048576 bytes, was "
                    + receiveBufferSize);
        }
        privateData = privateData == null ? new byte[0] : privateData.clone();
    }

    /** {@return a spec for {@code remoteAddress} with no private data and 4 KiB receive buffers} */
    public static ConnectionSpec to(String remoteAddress) {
        return new ConnectionSpec(remoteAddress, new byte[0], 4096);
    }
}
