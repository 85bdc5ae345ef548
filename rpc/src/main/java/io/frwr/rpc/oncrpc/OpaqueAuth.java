package io.frwr.rpc.oncrpc;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

import java.util.Arrays;

/** RFC 5531 opaque_auth: a flavor and at most 400 bytes of body. */
public record OpaqueAuth(int flavor, byte[] body) {
    public static final int AUTH_NONE = 0;
    public static final int AUTH_SYS = 1;
    public static final int MAX_BODY = 400;
    public static final OpaqueAuth NONE = new OpaqueAuth(AUTH_NONE, new byte[0]);

    public OpaqueAuth {
        body = body.clone();
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("auth body is at most " + MAX_BODY + " bytes, was " + body.length);
        }
    }

    public static OpaqueAuth sys(AuthSys cred) {
        return new OpaqueAuth(AUTH_SYS, cred.encode());
    }

    public void encode(XdrEncoder e) {
        e.writeInt(flavor).writeOpaque(body);
    }

    public static OpaqueAuth decode(XdrDecoder d, String what) throws XdrException {
        final int flavor = d.readInt(what + " flavor");
        return new OpaqueAuth(flavor, d.readOpaque(MAX_BODY, what + " body"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpaqueAuth a && a.flavor == flavor && Arrays.equals(a.body, body);
    }

    @Override
    public int hashCode() {
        return flavor * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "OpaqueAuth[flavor=" + flavor + ", " + body.length + " bytes]";
    }
}
