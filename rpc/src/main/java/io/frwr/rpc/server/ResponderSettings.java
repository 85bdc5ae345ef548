package io.frwr.rpc.server;

import java.time.Duration;

/**
 * @param credits            RFC 8166 credits granted per connection: receives posted and calls served at once
 * @param inlineThreshold    bytes of the largest message sent or received inline (RPC-over-RDMA header included)
 * @param remoteInvalidation offer RFC 8797 remote invalidation (SEND_WITH_INV) in the CM private data
 * @param serviceTime        added per call before replying, on a timer (zero: reply at once)
 */
public record ResponderSettings(int credits, int inlineThreshold, boolean remoteInvalidation, Duration serviceTime) {
    public static final int MAX_CREDITS = 1024;
    /** RFC 8166's default inline threshold; smaller cannot be stated in RFC 8797 private data. */
    public static final int MIN_INLINE = 1024;
    public static final int MAX_INLINE = 256 * 1024;

    public ResponderSettings {
        if (credits < 1 || credits > MAX_CREDITS) {
            throw new IllegalArgumentException("credits must be 1.." + MAX_CREDITS + ", was " + credits);
        }
        if (inlineThreshold < MIN_INLINE || inlineThreshold > MAX_INLINE) {
            throw new IllegalArgumentException("inlineThreshold must be " + MIN_INLINE + ".." + MAX_INLINE
                    + " bytes, was " + inlineThreshold);
        }
        if (serviceTime == null || serviceTime.isNegative()) {
            throw new IllegalArgumentException("serviceTime must be zero or positive, was " + serviceTime);
        }
    }

    public static ResponderSettings defaults() {
        return new ResponderSettings(32, 4096, true, Duration.ZERO);
    }

    public ResponderSettings withCredits(int credits) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, serviceTime);
    }

    public ResponderSettings withInlineThreshold(int bytes) {
        return new ResponderSettings(credits, bytes, remoteInvalidation, serviceTime);
    }

    public ResponderSettings withRemoteInvalidation(boolean on) {
        return new ResponderSettings(credits, inlineThreshold, on, serviceTime);
    }

    public ResponderSettings withServiceTime(Duration d) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, d);
    }
}
