package io.frwr.verbs.disni;

import java.io.IOException;

/** The seam over one DiSNI RC QP and its CM id. */
interface NativeQp {
    int qpNum();

    /** One WR per call, so that a failure names exactly the WR that was not posted (DiSNI hides bad_wr). */
    void postSend(NativeSendWr wr) throws IOException;

    void postRecv(NativeRecvWr wr) throws IOException;

    /** rdma_disconnect: the QP goes to ERROR and flushes; DiSNI 2.1 exposes no ibv_modify_qp. */
    void disconnect();
}
