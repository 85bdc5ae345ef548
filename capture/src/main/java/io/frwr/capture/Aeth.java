package io.frwr.capture;

import io.frwr.verbs.sim.WireMessage;

/**
 * ACK Extended Transport Header: a syndrome byte (ACK with credit count, RNR NAK with timer, or NAK with
 * error code) and the 24-bit message sequence number of the last message the responder completed.
 *
 * @param syndrome the syndrome byte as it goes on the wire
 * @param msn      message sequence number (24 bits)
 */
public record Aeth(int syndrome, int msn) {
    public static final int LENGTH = 4;

    /** Credit count code 31: "no credit count", what a responder using an SRQ or not counting credits sends. */
    public static final int NO_CREDIT_COUNT = 0x1F;
    /** RNR NAK timer code 14 = 1.28 ms (IBA table 45); the fabric does not report one, so a typical value. */
    public static final int DEFAULT_RNR_TIMER = 14;

    private static final int ACK = 0b00 << 5;
    private static final int RNR_NAK = 0b01 << 5;
    private static final int NAK = 0b11 << 5;

    /** The syndrome is one byte. */
    public Aeth {
        if (syndrome < 0 || syndrome > 0xFF) {
            throw new IllegalArgumentException("AETH syndrome must be one byte (0..255), was " + syndrome);
        }
    }

    /** {@return the AETH of a plain ACK up to {@code msn}} */
    public static Aeth ack(int msn) {
        return new Aeth(ACK | NO_CREDIT_COUNT, msn & Psn.MASK);
    }

    /** The AETH of an ACKNOWLEDGE that reports {@code nak}; {@link WireMessage.Nak#NONE} is a plain ACK. */
    public static Aeth of(WireMessage.Nak nak, int msn) {
        final int syndrome = switch (nak) {
            case NONE -> ACK | NO_CREDIT_COUNT;
            case RNR -> RNR_NAK | DEFAULT_RNR_TIMER;
            // NAK codes from IBA table 46: 0 PSN sequence error, 1 invalid request, 2 remote access error,
            // 3 remote operational error.
            case INVALID_REQUEST -> NAK | 1;
            case REMOTE_ACCESS_ERROR -> NAK | 2;
            case REMOTE_OPERATIONAL_ERROR -> NAK | 3;
        };
        return new Aeth(syndrome, msn & Psn.MASK);
    }
}
