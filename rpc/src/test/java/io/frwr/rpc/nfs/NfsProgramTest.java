package io.frwr.rpc.nfs;

import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.server.RpcCall;
import io.frwr.rpc.server.RpcReply;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NfsProgramTest {
    private static final byte[] HANDLE = {1, 2, 3, 4, 5, 6, 7, 8};

    private static byte[] pattern(int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static RpcCall call(int proc, byte[] args) {
        return new RpcCall(new RpcCallHeader(1, Nfs3.PROGRAM, Nfs3.VERSION, proc, OpaqueAuth.NONE, OpaqueAuth.NONE),
                args);
    }

    @Test
    void writeThenReadThroughProgramKeepsDataApartForDdp() throws XdrException {
        final InMemoryExport export = new InMemoryExport(7, 1 << 20);
        final FileHandle fh = export.addFile(HANDLE, new byte[0]);
        final NfsProgram nfs = new NfsProgram(export);
        final byte[] data = pattern(65536);
        final RpcReply w = nfs.handle(call(Nfs3.PROC_WRITE,
                new WriteArgs(fh, 0, data.length, StableHow.FILE_SYNC, data).encode()));
        final WriteRes wr = WriteRes.decode(XdrDecoder.of(w.results()));
        assertEquals(Nfs3Status.NFS3_OK, wr.status());
        assertEquals(65536, wr.count());
        assertEquals(0, wr.fileWcc().before().size());
        assertEquals(65536, wr.fileWcc().after().size());

        final RpcReply r = nfs.handle(call(Nfs3.PROC_READ, new ReadArgs(fh, 0, 65536).encode()));
        assertTrue(r.hasDdpData());
        assertArrayEquals(data, r.ddpData());
        assertEquals(r.results().length, r.ddpPosition(), "READ data is the last item");
        final ReadRes reduced = ReadRes.decode(XdrDecoder.of(r.results()), r.ddpData());
        assertTrue(reduced.eof());
        assertArrayEquals(data, reduced.data());
    }

    @Test
    void readResInlineAndReducedFormsAgree() throws XdrException {
        final Fattr3 a = new Fattr3(1, 0644, 1, 2, 3, 5, 8, 0, 0, 9, 10, new NfsTime(1, 2), new NfsTime(3, 4),
                new NfsTime(5, 6));
        final ReadRes res = new ReadRes(Nfs3Status.NFS3_OK, a, 5, true, new byte[] {1, 2, 3, 4, 5});
        assertEquals(res.encodeHead().length + 8, res.encode().length, "5 bytes of data padded to 8");
        final ReadRes full = ReadRes.decode(XdrDecoder.of(res.encode()));
        assertEquals(a, full.fileAttributes());
        assertArrayEquals(res.data(), full.data());
        assertThrows(XdrException.class, () -> ReadRes.decode(XdrDecoder.of(res.encodeHead()), new byte[4]));
    }

    @Test
    void getattrReturnsFullFattr3() throws XdrException {
        final InMemoryExport export = new InMemoryExport(7, 1024);
        final FileHandle fh = export.addFile(HANDLE, pattern(100));
        final RpcReply r = new NfsProgram(export).handle(call(Nfs3.PROC_GETATTR, new GetattrArgs(fh).encode()));
        assertEquals(4 + Fattr3.ENCODED_BYTES, r.results().length);
        final GetattrRes g = GetattrRes.decode(XdrDecoder.of(r.results()));
        assertEquals(100, g.attributes().size());
        assertEquals(7, g.attributes().fsid());
        assertEquals(Fattr3.NF3REG, g.attributes().type());
    }

    @Test
    void staleInvalAndFbig() {
        final InMemoryExport export = new InMemoryExport(7, 4096);
        final FileHandle fh = export.addFile(HANDLE, pattern(10));
        final FileHandle unknown = new FileHandle(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        assertEquals(Nfs3Status.NFS3ERR_STALE, export.getattr(new GetattrArgs(unknown)).status());
        assertEquals(Nfs3Status.NFS3ERR_STALE, export.read(new ReadArgs(unknown, 0, 1)).status());
        assertEquals(Nfs3Status.NFS3ERR_INVAL, export.read(new ReadArgs(fh, -1L, 1)).status(),
                "offset 2^64-1 read as unsigned");
        final byte[] verf = new byte[8];
        assertEquals(Nfs3Status.NFS3ERR_FBIG,
                export.write(new WriteArgs(fh, 4000, 100, StableHow.UNSTABLE, new byte[100]), verf).status());
        assertEquals(Nfs3Status.NFS3ERR_INVAL,
                export.write(new WriteArgs(fh, 0, 5, StableHow.UNSTABLE, new byte[4]), verf).status());
        assertArrayEquals(pattern(10), export.contents(fh), "failed writes change nothing");
        final ReadRes past = export.read(new ReadArgs(fh, 50, 10));
        assertEquals(0, past.count());
        assertTrue(past.eof());
        assertThrows(IllegalArgumentException.class, () -> export.addFile(new byte[7], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> export.addFile(new byte[65], new byte[0]));
    }

    @Test
    void partialReadIsNotEof() {
        final InMemoryExport export = new InMemoryExport(7, 4096);
        final FileHandle fh = export.addFile(HANDLE, pattern(100));
        final ReadRes r = export.read(new ReadArgs(fh, 10, 20));
        assertFalse(r.eof());
        assertArrayEquals(Arrays.copyOfRange(pattern(100), 10, 30), r.data());
    }

    @Test
    void programErrorsMapToRpcStatuses() {
        final NfsProgram nfs = new NfsProgram(new InMemoryExport(1, 1));
        assertEquals(ReplyStatus.SUCCESS, nfs.handle(call(Nfs3.PROC_NULL, new byte[0])).status());
        assertEquals(ReplyStatus.PROC_UNAVAIL, nfs.handle(call(99, new byte[0])).status());
        assertEquals(ReplyStatus.GARBAGE_ARGS, nfs.handle(call(Nfs3.PROC_READ, new byte[] {0, 0, 0})).status());
        final RpcReply v2 = nfs.handle(new RpcCall(new RpcCallHeader(1, Nfs3.PROGRAM, 2, 0, OpaqueAuth.NONE,
                OpaqueAuth.NONE), new byte[0]));
        assertEquals(ReplyStatus.PROG_MISMATCH, v2.status());
        assertEquals(3, v2.mismatchLow());
        final RpcReply other = nfs.handle(new RpcCall(new RpcCallHeader(1, 100005, 3, 0, OpaqueAuth.NONE,
                OpaqueAuth.NONE), new byte[0]));
        assertEquals(ReplyStatus.PROG_UNAVAIL, other.status());
        assertNull(other.ddpData());
    }
}
