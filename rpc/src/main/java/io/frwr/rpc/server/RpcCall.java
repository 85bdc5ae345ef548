package io.frwr.rpc.server;

import io.frwr.rpc.oncrpc.RpcCallHeader;

/**
 * One call as a program sees it: the ONC RPC header and the procedure arguments, with any DDP data item
 * (an NFS WRITE's data) already pulled by RDMA READ and back in its place in the XDR stream.
 */
public record RpcCall(RpcCallHeader header, byte[] args) {
    /** {@return the call's XID} */
    public int xid() {
        return header.xid();
    }

    /** {@return the program number} */
    public int prog() {
        return header.prog();
    }

    /** {@return the program version} */
    public int vers() {
        return header.vers();
    }

    /** {@return the procedure number} */
    public int proc() {
        return header.proc();
    }
}
