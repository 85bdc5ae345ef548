package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** GETATTR3args. */
public record GetattrArgs(FileHandle object) {
    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(4 + Nfs3.FHSIZE);
        object.encode(e);
        return e.toByteArray();
    }

    public static GetattrArgs decode(XdrDecoder d) throws XdrException {
        return new GetattrArgs(FileHandle.decode(d, "GETATTR object"));
    }
}
