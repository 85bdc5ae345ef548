package io.frwr.verbs;

import java.time.Duration;

/**
 * What a QP is created with at connect or accept time.
 *
 * @param privateData up to 56 bytes carried in the CM request or reply (RFC 8797 uses it)
 */
public record ConnectParams(ProtectionDomain pd, CompletionQueue sendCq, CompletionQueue recvCq, int maxSendWr,
                            int maxRecvWr, byte[] privateData, Duration timeout) {
    /** The most private-data bytes a CM request carries (rdma_cm's limit for RC). */
    public static final int MAX_PRIVATE_DATA = 56;

    /** Checks the depths and the private data's size, so a bad request fails before the CM is involved. */
    public ConnectParams {
        if (maxSendWr < 1 || maxRecvWr < 1) {
            throw new IllegalArgumentException("maxSendWr and maxRecvWr must be positive, were " + maxSendWr + ", "
                    + maxRecvWr);
        }
        privateData = privateData == null ? new byte[0] : privateData.clone();
        if (privateData.length > MAX_PRIVATE_DATA) {
            throw new IllegalArgumentException("CM private data is at most " + MAX_PRIVATE_DATA + " bytes, was "
                    + privateData.length);
        }
    }
}
