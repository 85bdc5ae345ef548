package io.frwr.capture;

/**
 * Datagram Extended Transport Header: the Q_Key and source QP of a UD packet. The capture sends UD only for CM
 * MADs, from and to the GSI QP (QP1), whose well-known Q_Key is 0x80010000 (IBA 13.5.3.1).
 */
public final class Deth {
    public static final int LENGTH = 8;
    public static final int GSI_QKEY = 0x8001_0000;

    private Deth() {
    }
}
