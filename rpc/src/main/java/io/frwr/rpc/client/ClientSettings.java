package io.frwr.rpc.client;

import io.frwr.actors.ConnectionSpec;
import io.frwr.rpc.rdma.CmPrivateMessage;

import java.time.Duration;

/**
 * How the requester behaves.
 *
 * @param inlineThreshold    largest message sent or received inline, RPC-over-RDMA header included (bytes, a
 *                           multiple of 1024 in 1024..262144 so that RFC 8797 private data can state it)
 * @param maxCredits         most calls outstanding even if the responder grants more (1..1024)
 * @param maxRetransmits     resends of one call after reconnects before it fails CONNECTION_LOST (0..100)
 * @param callTimeout        from Call to result; a timed-out call is invalidated, then fails TIMEOUT (&gt; 0)
 * @param queueLimit         calls waiting for a credit; beyond that a Call fails QUEUE_FULL (0..16777216)
 * @param remoteInvalidation advertise RFC 8797 remote invalidation (SEND_WITH_INV) support
 */
public record ClientSettings(int inlineThreshold, int maxCredits, int maxRetransmits, Duration callTimeout,
                             int queueLimit, boolean remoteInvalidation) {
    public static final int MAX_CREDITS = 1024;

    public ClientSettings {
        if (inlineThreshold < CmPrivateMessage.MIN_SIZE || inlineThreshold > CmPrivateMessage.MAX_SIZE
                || inlineThreshold % CmPrivateMessage.MIN_SIZE != 0) {
            throw new IllegalArgumentException("inlineThreshold must be a multiple of 1024 in "
                    + CmPrivateMessage.MIN_SIZE + ".." + CmPrivateMessage.MAX_SIZE + " bytes, was " + inlineThreshold);
        }
        if (maxCredits < 1 || maxCredits > MAX_CREDITS) {
            throw new IllegalArgumentException("maxCredits must be 1.." + MAX_CREDITS + ", was " + maxCredits);
        }
        if (maxRetransmits < 0 || maxRetransmits > 100) {
            throw new IllegalArgumentException("maxRetransmits must be 0..100, was " + maxRetransmits);
        }
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be greater than 0, was " + callTimeout);
        }
        if (queueLimit < 0 || queueLimit > (1 << 24)) {
            throw new IllegalArgumentException("queueLimit must be 0..16777216, was " + queueLimit);
        }
    }

    public static ClientSettings defaults() {
        return new ClientSettings(4096, 32, 3, Duration.ofSeconds(30), 10_000, true);
    }

    public ClientSettings withInlineThreshold(int bytes) {
        return new ClientSettings(bytes, maxCredits, maxRetransmits, callTimeout, queueLimit, remoteInvalidation);
    }

    public ClientSettings withMaxCredits(int credits) {
        return new ClientSettings(inlineThreshold, credits, maxRetransmits, callTimeout, queueLimit, remoteInvalidation);
    }

    public ClientSettings withMaxRetransmits(int n) {
        return new ClientSettings(inlineThreshold, maxCredits, n, callTimeout, queueLimit, remoteInvalidation);
    }

    public ClientSettings withCallTimeout(Duration d) {
        return new ClientSettings(inlineThreshold, maxCredits, maxRetransmits, d, queueLimit, remoteInvalidation);
    }

    public ClientSettings withQueueLimit(int n) {
        return new ClientSettings(inlineThreshold, maxCredits, maxRetransmits, callTimeout, n, remoteInvalidation);
    }

    public ClientSettings withRemoteInvalidation(boolean on) {
        return new ClientSettings(inlineThreshold, maxCredits, maxRetransmits, callTimeout, queueLimit, on);
    }

    /** The RFC 8797 message this requester sends in the CM request: our inline sizes and the invalidation flag. */
    public CmPrivateMessage privateMessage() {
        return CmPrivateMessage.of(remoteInvalidation, inlineThreshold, inlineThreshold);
    }

    /**
     * What to spawn the transport with so that it matches these settings: the private message, and receive
     * buffers as large as the inline threshold we advertise (the responder sends replies up to that size).
     */
    public ConnectionSpec connectionSpec(String remoteAddress) {
        return new ConnectionSpec(remoteAddress, privateMessage().encode(), inlineThreshold);
    }
}
