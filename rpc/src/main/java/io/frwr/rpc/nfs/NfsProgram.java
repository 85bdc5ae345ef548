package io.frwr.rpc.nfs;

import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.server.RpcCall;
import io.frwr.rpc.server.RpcProgram;
import io.frwr.rpc.server.RpcReply;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrException;

/** NFS version 3 (program 100003) procedures NULL, GETATTR, READ and WRITE over an {@link InMemoryExport}. */
public final class NfsProgram implements RpcProgram {
    private final InMemoryExport export;
    private final byte[] writeVerifier;

    /** Serves {@code export} with a fixed write verifier. */
    public NfsProgram(InMemoryExport export) {
        this(export, new byte[] {'f', 'r', 'w', 'r', 0, 0, 0, 1});
    }

    /** @param writeVerifier the 8-byte writeverf3; a real server changes it on reboot */
    public NfsProgram(InMemoryExport export, byte[] writeVerifier) {
        if (writeVerifier.length != WriteRes.VERF_BYTES) {
            throw new IllegalArgumentException("writeverf3 is " + WriteRes.VERF_BYTES + " bytes, was "
                    + writeVerifier.length);
        }
        this.export = export;
        this.writeVerifier = writeVerifier.clone();
    }

    @Override
    public RpcReply handle(RpcCall call) {
        if (call.prog() != Nfs3.PROGRAM) {
            return RpcReply.error(ReplyStatus.PROG_UNAVAIL);
        }
        if (call.vers() != Nfs3.VERSION) {
            return RpcReply.progMismatch(Nfs3.VERSION, Nfs3.VERSION);
        }
        try {
            final XdrDecoder d = XdrDecoder.of(call.args());
            return switch (call.proc()) {
                case Nfs3.PROC_NULL -> RpcReply.success(new byte[0]);
                case Nfs3.PROC_GETATTR -> RpcReply.success(export.getattr(GetattrArgs.decode(d)).encode());
                case Nfs3.PROC_READ -> read(ReadArgs.decode(d));
                case Nfs3.PROC_WRITE -> RpcReply.success(export.write(WriteArgs.decode(d), writeVerifier).encode());
                default -> RpcReply.error(ReplyStatus.PROC_UNAVAIL);
            };
        } catch (XdrException e) {
            return RpcReply.error(ReplyStatus.GARBAGE_ARGS);
        }
    }

    /** The data goes apart from the head so that the responder can put it into the call's write chunk. */
    private RpcReply read(ReadArgs args) {
        final ReadRes res = export.read(args);
        return res.status() == Nfs3Status.NFS3_OK ? RpcReply.successWithData(res.encodeHead(), res.data())
                : RpcReply.success(res.encode());
    }
}
