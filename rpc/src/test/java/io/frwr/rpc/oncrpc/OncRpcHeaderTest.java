package io.frwr.rpc.oncrpc;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OncRpcHeaderTest {
    @Test
    void callHeaderWithAuthSysRoundTrips() throws XdrException {
        final AuthSys sys = new AuthSys(42, "client.example", 1000, 100, List.of(100, 10));
        final RpcCallHeader h = new RpcCallHeader(0x1234, 100003, 3, 6, OpaqueAuth.sys(sys), OpaqueAuth.NONE);
        final byte[] bytes = h.encode();
        final ByteBuffer w = ByteBuffer.wrap(bytes);
        assertEquals(0x1234, w.getInt(0));
        assertEquals(RpcCallHeader.CALL, w.getInt(4));
        assertEquals(2, w.getInt(8), "rpcvers");
        final RpcCallHeader back = RpcCallHeader.decode(XdrDecoder.of(bytes));
        assertEquals(h, back);
        assertEquals(sys, AuthSys.decode(back.cred().body()));
    }

    @Test
    void wrongRpcVersionCarriesXidForRpcMismatch() {
        final byte[] bytes = new RpcCallHeader(77, 1, 1, 0, OpaqueAuth.NONE, OpaqueAuth.NONE).encode();
        ByteBuffer.wrap(bytes).putInt(8, 3);
        final RpcCallHeader.RpcVersionMismatch e = assertThrows(RpcCallHeader.RpcVersionMismatch.class,
                () -> RpcCallHeader.decode(XdrDecoder.of(bytes)));
        assertEquals(77, e.xid());
    }

    @Test
    void oversizeAuthBodyIsRefused() {
        final XdrEncoder e = XdrEncoder.allocate(64);
        e.writeInt(1).writeInt(0).writeInt(2).writeInt(1).writeInt(1).writeInt(0).writeInt(1).writeInt(401);
        final XdrException x = assertThrows(XdrException.class, () -> RpcCallHeader.decode(XdrDecoder.of(e.toByteArray())));
        assertTrue(x.getMessage().contains("0..400"), x.getMessage());
    }

    @Test
    void everyReplyStatusRoundTrips() throws XdrException {
        for (ReplyStatus s : ReplyStatus.values()) {
            final RpcReplyHeader h = new RpcReplyHeader(9, s, s.accepted() ? OpaqueAuth.NONE : null,
                    s == ReplyStatus.PROG_MISMATCH || s == ReplyStatus.RPC_MISMATCH ? 2 : 0,
                    s == ReplyStatus.PROG_MISMATCH || s == ReplyStatus.RPC_MISMATCH ? 3 : 0,
                    s == ReplyStatus.AUTH_ERROR ? 5 : 0);
            final XdrDecoder d = XdrDecoder.of(h.encode());
            assertEquals(h, RpcReplyHeader.decode(d), s.name());
            assertEquals(0, d.remaining(), s.name());
        }
    }

    @Test
    void acceptedSuccessLayout() {
        final ByteBuffer w = ByteBuffer.wrap(RpcReplyHeader.accepted(5, ReplyStatus.SUCCESS).encode());
        assertEquals(24, w.remaining(), "xid, REPLY, MSG_ACCEPTED, verf flavor and length, SUCCESS");
        assertEquals(1, w.getInt(4));
        assertEquals(0, w.getInt(8));
        assertEquals(0, w.getInt(20));
    }
}
