package io.frwr.verbs.disni;

/** The fields of one ibv_wc that we use, copied out of DiSNI's IbvWC so that translation is pure Java. */
record NativeCompletion(long wrId, int status, int opcode, int byteLen, int wcFlags, int immData, int qpNum,
                        int vendorErr) {
}
