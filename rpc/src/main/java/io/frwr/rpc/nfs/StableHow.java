package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 stable_how. */
public enum StableHow {
    UNSTABLE, DATA_SYNC, FILE_SYNC;

    public static StableHow of(int wire, int offset) throws XdrException {
        if (wire < 0 || wire > 2) {
            throw new XdrException("stable_how at offset " + offset + " is " + wire + ", allowed 0..2");
        }
        return values()[wire];
    }
}
