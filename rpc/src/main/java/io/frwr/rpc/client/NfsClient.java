package io.frwr.rpc.client;

import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.GetattrArgs;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.Nfs3;
import io.frwr.rpc.nfs.ReadArgs;
import io.frwr.rpc.nfs.ReadRes;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.rpc.nfs.WriteRes;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;
import io.frwr.verbs.Segment;

/**
 * NFSv3 calls as {@link RpcCallSpec}s, and their results decoded, for the load generator and tests. READ
 * data lands in a caller segment (a write chunk) and WRITE data leaves from one (a read chunk, or inline
 * when small), so bulk bytes are never copied through the Java heap on the way.
 */
public final class NfsClient {
    /**
     * Room for everything of a READ, WRITE or GETATTR reply except READ's data: the ONC reply header with
     * a verifier of up to 400 bytes, status, wcc_data or post_op_attr, counts and the write verifier.
     */
    public static final int SMALL_REPLY = 24 + 400 + 4 + 2 * (4 + 84) + 32;

    private NfsClient() {
    }

    /** {@return an NFSv3 NULL call: the cheapest round trip} */
    public static RpcCallSpec nullCall() {
        return RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_NULL, new byte[0], SMALL_REPLY);
    }

    /** {@return an NFSv3 GETATTR of {@code file}} */
    public static RpcCallSpec getattr(FileHandle file) {
        return RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_GETATTR, new GetattrArgs(file).encode(),
                SMALL_REPLY);
    }

    /** READ into {@code sink}: the data comes by RDMA WRITE into a write chunk over the sink. */
    public static RpcCallSpec read(FileHandle file, long offset, Segment sink) {
        checkIo("READ", sink.length());
        return RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_READ,
                new ReadArgs(file, offset, sink.length()).encode(), SMALL_REPLY).withResultSink(sink);
    }

    /** READ with the data in the reply itself: inline when it fits, else through a reply chunk. */
    public static RpcCallSpec readInline(FileHandle file, long offset, int count) {
        checkIo("READ", count);
        return RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_READ, new ReadArgs(file, offset, count).encode(),
                SMALL_REPLY + count + 4);
    }

    /** WRITE the bytes of {@code data} at {@code offset}; the data is the call's DDP argument. */
    public static RpcCallSpec write(FileHandle file, long offset, StableHow stable, Segment data) {
        checkIo("WRITE", data.length());
        // WRITE3args up to the data's length word; the content goes right after it (RFC 1813, RFC 8166 3.4).
        final XdrEncoder e = XdrEncoder.allocate(28 + Nfs3.FHSIZE);
        file.encode(e);
        e.writeHyper(offset).writeInt(data.length()).writeInt(stable.ordinal()).writeInt(data.length());
        final byte[] head = e.toByteArray();
        return RpcCallSpec.of(Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_WRITE, head, SMALL_REPLY)
                .withDdpArgument(data, head.length);
    }

    /** {@return the GETATTR result decoded from a successful call} */
    public static GetattrRes getattrResult(CallResult.CallSucceeded ok) throws XdrException {
        return GetattrRes.decode(new XdrDecoder(ok.results().duplicate()));
    }

    /** A READ result whose data went into {@code sink}; the data is copied out of the sink. */
    public static ReadRes readResult(CallResult.CallSucceeded ok, Segment sink) throws XdrException {
        if (ok.ddpBytesWritten() > sink.length()) {
            throw new XdrException("the responder claims " + ok.ddpBytesWritten() + " bytes written into a "
                    + sink.length() + "-byte sink");
        }
        final byte[] data = new byte[(int) ok.ddpBytesWritten()];
        sink.buffer().buffer().get(sink.offset(), data);
        return ReadRes.decode(new XdrDecoder(ok.results().duplicate()), data);
    }

    /** A READ result with the data in the reply (see {@link #readInline}). */
    public static ReadRes readInlineResult(CallResult.CallSucceeded ok) throws XdrException {
        return ReadRes.decode(new XdrDecoder(ok.results().duplicate()));
    }

    /** {@return the WRITE result decoded from a successful call} */
    public static WriteRes writeResult(CallResult.CallSucceeded ok) throws XdrException {
        return WriteRes.decode(new XdrDecoder(ok.results().duplicate()));
    }

    private static void checkIo(String op, int count) {
        if (count < 0 || count > Nfs3.MAX_IO) {
            throw new IllegalArgumentException(op + " count must be 0.." + Nfs3.MAX_IO + " bytes, was " + count);
        }
    }
}
