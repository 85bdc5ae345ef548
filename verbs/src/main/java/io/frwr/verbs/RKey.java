package io.frwr.verbs;

/**
 * An rkey is a 24-bit MR index and an 8-bit key. FAST_REG installs a new key byte so that a peer still
 * holding the previous rkey of the same MR is refused.
 */
public final class RKey {
    private RKey() {
    }

    /** {@return the 24-bit MR index of {@code rkey}} */
    public static int index(int rkey) {
        return rkey >>> 8;
    }

    /** {@return the 8-bit key of {@code rkey}} */
    public static int keyByte(int rkey) {
        return rkey & 0xFF;
    }

    /** {@return the rkey of MR {@code index} under {@code keyByte}} */
    public static int of(int index, int keyByte) {
        if (index < 0 || index > 0xFF_FFFF) {
            throw new IllegalArgumentException("MR index must fit in 24 bits, was " + index);
        }
        return (index << 8) | (keyByte & 0xFF);
    }

    /** The same MR index with a different key byte (ib_update_fast_reg_key). */
    public static int withKeyByte(int rkey, int keyByte) {
        return (rkey & 0xFFFF_FF00) | (keyByte & 0xFF);
    }

    /** {@return the rkey in hex, as logs and traces print it} */
    public static String format(int rkey) {
        return String.format("0x%08x", rkey);
    }
}
