package io.frwr.rpc.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.ConnectionSpec;
import io.frwr.config.SettingsException;
import io.frwr.config.SettingsReader;
import io.frwr.rpc.rdma.CmPrivateMessage;

import java.time.Duration;

/**
 * How the requester behaves: {@value #PATH} in reference.conf. Each check names the HOCON key, the value and
 * the range, whether the record was read from config or built in code.
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
    /** The block these settings are read from. */
    public static final String PATH = "frwr-transport.rpc-client";
    /** The most credits a client may use, whatever the responder grants. */
    public static final int MAX_CREDITS = 1024;
    /** The most resends of one call max-retransmits accepts. */
    public static final int MAX_RETRANSMITS = 100;
    /** The largest queue-limit accepted. */
    public static final int MAX_QUEUE_LIMIT = 1 << 24;

    /** Validates every value, naming the key, the value and the allowed range. */
    public ClientSettings {
        if (inlineThreshold < CmPrivateMessage.MIN_SIZE || inlineThreshold > CmPrivateMessage.MAX_SIZE
                || inlineThreshold % CmPrivateMessage.MIN_SIZE != 0) {
            throw new SettingsException(PATH + ".inline-threshold = " + inlineThreshold + ": must be a multiple of"
                    + " 1024 between " + CmPrivateMessage.MIN_SIZE + " and " + CmPrivateMessage.MAX_SIZE + " bytes");
        }
        between("max-credits", maxCredits, 1, MAX_CREDITS);
        between("max-retransmits", maxRetransmits, 0, MAX_RETRANSMITS);
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new SettingsException(PATH + ".call-timeout = "
                    + (callTimeout == null ? "null" : callTimeout.toMillis() + "ms") + ": must be greater than 0s");
        }
        between("queue-limit", queueLimit, 0, MAX_QUEUE_LIMIT);
    }

    /** The same values as reference.conf's {@value #PATH}. */
    public static ClientSettings defaults() {
        return new ClientSettings(4096, 32, 3, Duration.ofSeconds(30), 10_000, true);
    }

    /**
     * Reads {@value #PATH} from a whole config, such as an ActorSystem's {@code settings().config()}; keys it
     * lacks come from reference.conf.
     *
     * @throws SettingsException naming the first key whose value is missing, mistyped or out of range
     */
    public static ClientSettings fromConfig(Config config) {
        final SettingsReader r = new SettingsReader(config.withFallback(ConfigFactory.defaultReference()).resolve());
        return new ClientSettings(
                r.getBytes(PATH + ".inline-threshold"),
                r.getInt(PATH + ".max-credits"),
                r.getInt(PATH + ".max-retransmits"),
                r.getDuration(PATH + ".call-timeout"),
                r.getInt(PATH + ".queue-limit"),
                r.getBoolean(PATH + ".remote-invalidation"));
    }

    /** Reads {@value #PATH} from an ActorSystem's configuration (application.conf over reference.conf). */
    public static ClientSettings create(akka.actor.ClassicActorSystemProvider system) {
        return fromConfig(system.classicSystem().settings().config());
    }

    private static void between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new SettingsException(PATH + "." + key + " = " + value + ": must be between " + min + " and " + max);
        }
    }

    /** {@return a copy with inline-threshold {@code bytes}, validated} */
    public ClientSettings withInlineThreshold(int bytes) {
        return new ClientSettings(bytes, maxCredits, maxRetransmits, callTimeout, queueLimit, remoteInvalidation);
    }

    /** {@return a copy with max-credits {@code credits}, validated} */
    public ClientSettings withMaxCredits(int credits) {
        return new ClientSettings(inlineThreshold, credits, maxRetransmits, callTimeout, queueLimit, remoteInvalidation);
    }

    /** {@return a copy with max-retransmits {@code n}, validated} */
    public ClientSettings withMaxRetransmits(int n) {
        return new ClientSettings(inlineThreshold, maxCredits, n, callTimeout, queueLimit, remoteInvalidation);
    }

    /** {@return a copy with call-timeout {@code d}, validated} */
    public ClientSettings withCallTimeout(Duration d) {
        return new ClientSettings(inlineThreshold, maxCredits, maxRetransmits, d, queueLimit, remoteInvalidation);
    }

    /** {@return a copy with queue-limit {@code n}, validated} */
    public ClientSettings withQueueLimit(int n) {
        return new ClientSettings(inlineThreshold, maxCredits, maxRetransmits, callTimeout, n, remoteInvalidation);
    }

    /** {@return a copy that does or does not advertise remote invalidation} */
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
