package io.frwr.actors;

import io.frwr.verbs.RKey;

/** What a peer needs to reach one registered MR: an RFC 8166 segment (handle = rkey, length, offset = iova). */
public record Handle(int rkey, int length, long offset) {
    @Override
    public String toString() {
        return "Handle[rkey=" + RKey.format(rkey) + ", len=" + length + ", off=0x" + Long.toHexString(offset) + "]";
    }
}
