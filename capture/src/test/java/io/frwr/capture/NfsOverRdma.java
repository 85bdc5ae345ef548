package io.frwr.capture;

/**
 * Hand-built RPC-over-RDMA version 1 messages (RFC 8166) carrying an ONC RPC (RFC 5531) NFSv3 GETATTR
 * (RFC 1813) call and its reply, for capture fixtures.
 */
final class NfsOverRdma {
    static final int XID = 0x5EED_0001;
    static final int NFS_PROGRAM = 100_003;
    static final int NFS_V3 = 3;
    static final int NFSPROC3_GETATTR = 1;
    private static final int RPCRDMA_VERSION = 1;
    private static final int RDMA_MSG = 0;
    private static final int CREDITS = 32;
    private static final int AUTH_NONE = 0;
    private static final int AUTH_UNIX = 1;

    private NfsOverRdma() {
    }

    /** RDMA_MSG with empty read list, write list and reply chunk, then the RPC message inline. */
    static byte[] rdmaMsg(byte[] rpcMessage) {
        return new Xdr().u32(XID).u32(RPCRDMA_VERSION).u32(CREDITS).u32(RDMA_MSG)
                .u32(0).u32(0).u32(0)
                .bytes(rpcMessage).toBytes();
    }

    static byte[] getattrCall() {
        final byte[] credentials = new Xdr().u32(0).string("client").u32(0).u32(0).u32(0).toBytes();
        return new Xdr().u32(XID).u32(0).u32(2).u32(NFS_PROGRAM).u32(NFS_V3).u32(NFSPROC3_GETATTR)
                .u32(AUTH_UNIX).opaque(credentials)
                .u32(AUTH_NONE).u32(0)
                .opaque(fileHandle())
                .toBytes();
    }

    static byte[] getattrReply() {
        return new Xdr().u32(XID).u32(1).u32(0)           // REPLY, MSG_ACCEPTED
                .u32(AUTH_NONE).u32(0).u32(0)             // verifier, SUCCESS
                .u32(0)                                   // NFS3_OK
                .u32(1).u32(0644).u32(1).u32(1000).u32(1000) // fattr3: NF3REG, mode, nlink, uid, gid
                .u64(10_000).u64(12_288)                  // size, used
                .u32(0).u32(0)                            // rdev
                .u64(0x42).u64(0x1234)                    // fsid, fileid
                .u32(1_700_000_000).u32(0).u32(1_700_000_000).u32(0).u32(1_700_000_000).u32(0)
                .toBytes();
    }

    private static byte[] fileHandle() {
        final byte[] fh = new byte[32];
        for (int i = 0; i < fh.length; i++) {
            fh[i] = (byte) (0xA0 + i);
        }
        return fh;
    }
}
