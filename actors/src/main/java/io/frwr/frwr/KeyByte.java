package io.frwr.frwr;

import io.frwr.verbs.RKey;

/**
 * The rkey's low 8 bits, which every FAST_REG changes (ib_update_fast_reg_key) so that a peer still
 * holding the MR's previous rkey is refused.
 */
public final class KeyByte {
    private KeyByte() {
    }

    /** The same MR index with key byte + 1; 0xFF wraps to 0x00. */
    public static int bump(int rkey) {
        return RKey.withKeyByte(rkey, (RKey.keyByte(rkey) + 1) & 0xFF);
    }
}
