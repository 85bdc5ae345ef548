package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 fattr3, every field. */
public record Fattr3(int type, int mode, int nlink, int uid, int gid, long size, long used, int rdevMajor,
                     int rdevMinor, long fsid, long fileid, NfsTime atime, NfsTime mtime, NfsTime ctime) {
    public static final int NF3REG = 1;
    public static final int ENCODED_BYTES = 84;

    public void encode(XdrEncoder e) {
        e.writeInt(type).writeInt(mode).writeInt(nlink).writeInt(uid).writeInt(gid).writeHyper(size)
                .writeHyper(used).writeInt(rdevMajor).writeInt(rdevMinor).writeHyper(fsid).writeHyper(fileid);
        atime.encode(e);
        mtime.encode(e);
        ctime.encode(e);
    }

    public static Fattr3 decode(XdrDecoder d) throws XdrException {
        return new Fattr3(d.readInt("fattr3 type"), d.readInt("fattr3 mode"), d.readInt("fattr3 nlink"),
                d.readInt("fattr3 uid"), d.readInt("fattr3 gid"), d.readHyper("fattr3 size"),
                d.readHyper("fattr3 used"), d.readInt("fattr3 rdev major"), d.readInt("fattr3 rdev minor"),
                d.readHyper("fattr3 fsid"), d.readHyper("fattr3 fileid"), NfsTime.decode(d, "fattr3 atime"),
                NfsTime.decode(d, "fattr3 mtime"), NfsTime.decode(d, "fattr3 ctime"));
    }

    /** post_op_attr: a bool, then the attributes when true. */
    public static void encodeOptional(XdrEncoder e, Fattr3 attrs) {
        e.writeBoolean(attrs != null);
        if (attrs != null) {
            attrs.encode(e);
        }
    }

    public static Fattr3 decodeOptional(XdrDecoder d, String what) throws XdrException {
        return d.readBoolean(what + " attributes_follow") ? decode(d) : null;
    }
}
