package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** GETATTR3res: the attributes when NFS3_OK, nothing else otherwise. */
public record GetattrRes(Nfs3Status status, Fattr3 attributes) {
    public GetattrRes {
        if ((status == Nfs3Status.NFS3_OK) != (attributes != null)) {
            throw new IllegalArgumentException("GETATTR attributes go with NFS3_OK and only with it, status " + status);
        }
    }

    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(4 + Fattr3.ENCODED_BYTES);
        e.writeInt(status.wire());
        if (attributes != null) {
            attributes.encode(e);
        }
        return e.toByteArray();
    }

    public static GetattrRes decode(XdrDecoder d) throws XdrException {
        final Nfs3Status status = Nfs3Status.of(d.readInt("GETATTR status"));
        return new GetattrRes(status, status == Nfs3Status.NFS3_OK ? Fattr3.decode(d) : null);
    }
}
