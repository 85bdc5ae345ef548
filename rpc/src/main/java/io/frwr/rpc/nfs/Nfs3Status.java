package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 nfsstat3, the subset this export returns. */
public enum Nfs3Status {
    NFS3_OK(0), NFS3ERR_IO(5), NFS3ERR_INVAL(22), NFS3ERR_FBIG(27), NFS3ERR_STALE(70), NFS3ERR_BADHANDLE(10001),
    NFS3ERR_SERVERFAULT(10006);

    private final int wire;

    Nfs3Status(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    public static Nfs3Status of(int wire) throws XdrException {
        for (Nfs3Status s : values()) {
            if (s.wire == wire) {
                return s;
            }
        }
        throw new XdrException("nfsstat3 " + wire + " is not one this implementation knows");
    }
}
