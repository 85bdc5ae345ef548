package io.frwr.rpc.rdma;

/** RFC 8166 rpc_rdma_errcode body of an RDMA_ERROR message. */
public sealed interface RdmaErrorBody permits RdmaErrorBody.ErrVers, RdmaErrorBody.ErrChunk {
    int ERR_VERS = 1;
    int ERR_CHUNK = 2;

    int code();

    /** The responder speaks versions low..high only. */
    record ErrVers(int low, int high) implements RdmaErrorBody {
        public int code() {
            return ERR_VERS;
        }
    }

    /** The header or its chunks could not be processed. */
    record ErrChunk() implements RdmaErrorBody {
        public int code() {
            return ERR_CHUNK;
        }
    }
}
