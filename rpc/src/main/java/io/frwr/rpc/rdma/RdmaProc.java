package io.frwr.rpc.rdma;

/** RFC 8166 rdma_proc values this implementation speaks; RDMA_MSGP (2) and RDMA_DONE (3) are refused. */
public enum RdmaProc {
    RDMA_MSG(0), RDMA_NOMSG(1), RDMA_ERROR(4);

    private final int wire;

    RdmaProc(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }
}
