package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 nfstime3. */
public record NfsTime(int seconds, int nseconds) {
    public static NfsTime ofMillis(long millis) {
        return new NfsTime((int) (millis / 1000), (int) (millis % 1000) * 1_000_000);
    }

    public void encode(XdrEncoder e) {
        e.writeInt(seconds).writeInt(nseconds);
    }

    public static NfsTime decode(XdrDecoder d, String what) throws XdrException {
        return new NfsTime(d.readInt(what + " seconds"), d.readInt(what + " nseconds"));
    }
}
