package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** WRITE3res: wcc_data always; count, committed and the write verifier when NFS3_OK. */
public record WriteRes(Nfs3Status status, WccData fileWcc, int count, StableHow committed, byte[] verf) {
    public static final int VERF_BYTES = 8;

    public WriteRes {
        if (status == Nfs3Status.NFS3_OK && (verf == null || verf.length != VERF_BYTES)) {
            throw new IllegalArgumentException("writeverf3 is " + VERF_BYTES + " bytes");
        }
    }

    public static WriteRes failure(Nfs3Status status, WccData wcc) {
        return new WriteRes(status, wcc, 0, StableHow.UNSTABLE, null);
    }

    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(32 + 2 * Fattr3.ENCODED_BYTES + 32);
        e.writeInt(status.wire());
        fileWcc.encode(e);
        if (status == Nfs3Status.NFS3_OK) {
            e.writeInt(count).writeInt(committed.ordinal()).writeOpaqueFixed(verf);
        }
        return e.toByteArray();
    }

    public static WriteRes decode(XdrDecoder d) throws XdrException {
        final Nfs3Status status = Nfs3Status.of(d.readInt("WRITE status"));
        final WccData wcc = WccData.decode(d);
        if (status != Nfs3Status.NFS3_OK) {
            return failure(status, wcc);
        }
        final int count = d.readInt("WRITE count");
        final StableHow committed = StableHow.of(d.readInt("WRITE committed"), d.offset() - 4);
        return new WriteRes(status, wcc, count, committed, d.readOpaqueFixed(VERF_BYTES, "WRITE verf"));
    }
}
