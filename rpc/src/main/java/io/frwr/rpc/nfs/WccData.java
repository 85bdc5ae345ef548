package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** RFC 1813 wcc_data: optional attributes before (pre_op_attr) and after (post_op_attr); null = absent. */
public record WccData(WccAttr before, Fattr3 after) {
    public static final WccData NONE = new WccData(null, null);

    public void encode(XdrEncoder e) {
        e.writeBoolean(before != null);
        if (before != null) {
            before.encode(e);
        }
        Fattr3.encodeOptional(e, after);
    }

    public static WccData decode(XdrDecoder d) throws XdrException {
        final WccAttr before = d.readBoolean("pre_op_attr attributes_follow") ? WccAttr.decode(d) : null;
        return new WccData(before, Fattr3.decodeOptional(d, "post_op_attr"));
    }
}
