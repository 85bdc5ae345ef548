package io.frwr.capture;

/** Packet sequence numbers are 24 bits and wrap. */
final class Psn {
    static final int MASK = 0xFF_FFFF;

    private Psn() {
    }

    static int add(int psn, int delta) {
        return (psn + delta) & MASK;
    }
}
