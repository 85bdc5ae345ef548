package io.frwr.rpc.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.frwr.config.SettingsException;
import io.frwr.rpc.rdma.DecodeLimits;

import java.time.Duration;

/**
 * How the responder serves, and the limits it holds every requester to. The limits are the responder's
 * own, from configuration ({@value #PATH} in reference.conf), never from what a peer advertises: a call
 * beyond them is refused before anything is read or allocated for it, so a connection's memory is bounded
 * by {@link #connectionMemoryBound()}. Each check names the HOCON key, the value and the range, whether
 * the record was read from config or built in code.
 *
 * @param credits             RFC 8166 credits granted per connection: receives posted and calls served at once
 * @param inlineThreshold     bytes of the largest message sent or received inline (RPC-over-RDMA header included)
 * @param remoteInvalidation  offer RFC 8797 remote invalidation (SEND_WITH_INV) in the CM private data
 * @param serviceTime         added per call before replying, on a timer (zero: reply at once)
 * @param maxCallPayload      most bytes a call's read list may advertise (pulled by RDMA READ)
 * @param maxReplyPayload     most bytes a reply may move by RDMA WRITE (write chunk data plus reply chunk)
 * @param maxReadSegments     most entries in a call's read list
 * @param maxWriteChunks      most write chunks in a call's write list
 * @param maxSegmentsPerChunk most segments in one write chunk or the reply chunk
 */
public record ResponderSettings(int credits, int inlineThreshold, boolean remoteInvalidation, Duration serviceTime,
                                int maxCallPayload, int maxReplyPayload, int maxReadSegments, int maxWriteChunks,
                                int maxSegmentsPerChunk) {
    /** The block these settings are read from. */
    public static final String PATH = "frwr-transport.responder";
    /** The most credits a responder may grant. */
    public static final int MAX_CREDITS = 1024;
    /** RFC 8166's default inline threshold; smaller cannot be stated in RFC 8797 private data. */
    public static final int MIN_INLINE = 1024;
    /** The largest inline threshold accepted. */
    public static final int MAX_INLINE = 256 * 1024;
    /** A payload limit below a page would refuse ordinary NFS traffic; above 256 MiB it bounds nothing useful. */
    public static final int MIN_PAYLOAD = 4096;
    /** The largest call or reply payload limit accepted. */
    public static final int MAX_PAYLOAD = 256 << 20;
    /** The most read segments, write chunks or segments per chunk a limit may allow. */
    public static final int MAX_LIST = 4096;
    /** 1 MiB of data plus 16 KiB for RPC and NFS headers: Linux svcrdma's RPCSVC_MAXPAGES. */
    public static final int DEFAULT_PAYLOAD = (1 << 20) + (16 << 10);

    /** Validates every value, naming the key, the value and the allowed range. */
    public ResponderSettings {
        between("credits", credits, 1, MAX_CREDITS);
        between("inline-threshold", inlineThreshold, MIN_INLINE, MAX_INLINE);
        if (serviceTime == null || serviceTime.isNegative()) {
            throw new SettingsException(PATH + ".service-time = " + serviceTime + ": must not be negative");
        }
        between("max-call-payload", maxCallPayload, MIN_PAYLOAD, MAX_PAYLOAD);
        between("max-reply-payload", maxReplyPayload, MIN_PAYLOAD, MAX_PAYLOAD);
        between("max-read-segments", maxReadSegments, 1, MAX_LIST);
        between("max-write-chunks", maxWriteChunks, 1, MAX_LIST);
        between("max-segments-per-chunk", maxSegmentsPerChunk, 1, MAX_LIST);
    }

    /** The limits of reference.conf with the given serving parameters. */
    public ResponderSettings(int credits, int inlineThreshold, boolean remoteInvalidation, Duration serviceTime) {
        this(credits, inlineThreshold, remoteInvalidation, serviceTime, DEFAULT_PAYLOAD, DEFAULT_PAYLOAD, 16, 8, 16);
    }

    /** The same values as reference.conf's {@value #PATH}. */
    public static ResponderSettings defaults() {
        return new ResponderSettings(32, 4096, true, Duration.ZERO);
    }

    /**
     * Reads {@value #PATH} from a whole config, such as an ActorSystem's {@code settings().config()}; keys it
     * lacks come from reference.conf.
     *
     * @throws SettingsException naming the first key whose value is missing, mistyped or out of range
     */
    public static ResponderSettings fromConfig(Config config) {
        final Config c = config.withFallback(ConfigFactory.defaultReference()).resolve();
        return new ResponderSettings(
                read(c, "credits", "an integer", k -> c.getInt(k)),
                read(c, "inline-threshold", "a size in bytes", k -> bytes(c, k)),
                read(c, "remote-invalidation", "on or off", k -> c.getBoolean(k)),
                read(c, "service-time", "a duration such as 0s or 5ms", k -> c.getDuration(k)),
                read(c, "max-call-payload", "a size in bytes such as 1040KiB", k -> bytes(c, k)),
                read(c, "max-reply-payload", "a size in bytes such as 1040KiB", k -> bytes(c, k)),
                read(c, "max-read-segments", "an integer", k -> c.getInt(k)),
                read(c, "max-write-chunks", "an integer", k -> c.getInt(k)),
                read(c, "max-segments-per-chunk", "an integer", k -> c.getInt(k)));
    }

    /** What the RFC 8166 header decoder accepts from a requester of this responder. */
    public DecodeLimits decodeLimits() {
        return new DecodeLimits(maxSegmentsPerChunk, maxWriteChunks, DecodeLimits.DEFAULT.maxSegmentLength(),
                maxReadSegments, maxCallPayload);
    }

    /**
     * The most direct memory one connection can hold, whatever its requester sends: a receive and a send
     * slot per credit, each admitted call's read or reply buffer, and each reply still on the wire.
     */
    public long connectionMemoryBound() {
        return 2L * credits * inlineThreshold + (long) credits * Math.max(maxCallPayload, maxReplyPayload)
                + (long) credits * maxReplyPayload;
    }

    /** {@return a copy granting {@code credits}, validated} */
    public ResponderSettings withCredits(int credits) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, serviceTime, maxCallPayload,
                maxReplyPayload, maxReadSegments, maxWriteChunks, maxSegmentsPerChunk);
    }

    /** {@return a copy with inline-threshold {@code bytes}, validated} */
    public ResponderSettings withInlineThreshold(int bytes) {
        return new ResponderSettings(credits, bytes, remoteInvalidation, serviceTime, maxCallPayload,
                maxReplyPayload, maxReadSegments, maxWriteChunks, maxSegmentsPerChunk);
    }

    /** {@return a copy that does or does not reply with SEND_WITH_INV} */
    public ResponderSettings withRemoteInvalidation(boolean on) {
        return new ResponderSettings(credits, inlineThreshold, on, serviceTime, maxCallPayload,
                maxReplyPayload, maxReadSegments, maxWriteChunks, maxSegmentsPerChunk);
    }

    /** {@return a copy that holds each call {@code d} before replying} */
    public ResponderSettings withServiceTime(Duration d) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, d, maxCallPayload,
                maxReplyPayload, maxReadSegments, maxWriteChunks, maxSegmentsPerChunk);
    }

    /** {@return a copy with the largest call and reply payloads, validated} */
    public ResponderSettings withMaxPayload(int callBytes, int replyBytes) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, serviceTime, callBytes,
                replyBytes, maxReadSegments, maxWriteChunks, maxSegmentsPerChunk);
    }

    /** {@return a copy with the read, write and per-chunk segment limits, validated} */
    public ResponderSettings withChunkLimits(int readSegments, int writeChunks, int segmentsPerChunk) {
        return new ResponderSettings(credits, inlineThreshold, remoteInvalidation, serviceTime, maxCallPayload,
                maxReplyPayload, readSegments, writeChunks, segmentsPerChunk);
    }

    private static void between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new SettingsException(PATH + "." + key + " = " + value + ": must be between " + min + " and "
                    + max);
        }
    }

    private interface Getter<T> {
        T get(String key);
    }

    private static <T> T read(Config c, String key, String allowed, Getter<T> getter) {
        final String full = PATH + "." + key;
        if (!c.hasPath(full)) {
            throw new SettingsException(full + " is missing");
        }
        try {
            return getter.get(full);
        } catch (ConfigException e) {
            throw new SettingsException(full + " = " + c.getValue(full).render(ConfigRenderOptions.concise())
                    + ": must be " + allowed, e);
        }
    }

    /** HOCON sizes (1040KiB, 4k) or plain numbers; anything past 2^31-1 is out of every range here. */
    private static int bytes(Config c, String key) {
        final long n = c.getBytes(key);
        if (n > Integer.MAX_VALUE) {
            throw new SettingsException(key + " = " + n + ": must be at most " + Integer.MAX_VALUE + " bytes");
        }
        return (int) n;
    }
}
