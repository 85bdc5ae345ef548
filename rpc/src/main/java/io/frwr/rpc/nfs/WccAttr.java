package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 wcc_attr: the attributes a client checks its cache against before an operation. */
public record WccAttr(long size, NfsTime mtime, NfsTime ctime) {
    public static WccAttr of(Fattr3 a) {
        return new WccAttr(a.size(), a.mtime(), a.ctime());
    }

    public void encode(XdrEncoder e) {
        e.writeHyper(size);
        mtime.encode(e);
        ctime.encode(e);
    }

    public static WccAttr decode(XdrDecoder d) throws XdrException {
        return new WccAttr(d.readHyper("wcc_attr size"), NfsTime.decode(d, "wcc_attr mtime"),
                NfsTime.decode(d, "wcc_attr ctime"));
    }
}
