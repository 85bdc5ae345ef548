package io.frwr.rpc.oncrpc;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

import java.util.List;

/** RFC 5531 authsys_parms: the body of an AUTH_SYS credential. */
public record AuthSys(int stamp, String machineName, int uid, int gid, List<Integer> gids) {
    public static final int MAX_MACHINE_NAME = 255;
    public static final int MAX_GIDS = 16;

    public AuthSys {
        gids = List.copyOf(gids);
        if (gids.size() > MAX_GIDS) {
            throw new IllegalArgumentException("AUTH_SYS carries at most " + MAX_GIDS + " gids, had " + gids.size());
        }
    }

    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(OpaqueAuth.MAX_BODY);
        e.writeInt(stamp).writeString(machineName).writeInt(uid).writeInt(gid).writeInt(gids.size());
        gids.forEach(e::writeInt);
        return e.toByteArray();
    }

    public static AuthSys decode(byte[] body) throws XdrException {
        final XdrDecoder d = XdrDecoder.of(body);
        final int stamp = d.readInt("authsys stamp");
        final String machine = d.readString(MAX_MACHINE_NAME, "authsys machinename");
        final int uid = d.readInt("authsys uid");
        final int gid = d.readInt("authsys gid");
        final int n = d.readUnsigned("authsys gids count", MAX_GIDS);
        final Integer[] gids = new Integer[n];
        for (int i = 0; i < n; i++) {
            gids[i] = d.readInt("authsys gid " + i);
        }
        return new AuthSys(stamp, machine, uid, gid, List.of(gids));
    }
}
