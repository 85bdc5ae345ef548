package io.frwr.verbs.disni;

import com.ibm.disni.verbs.RdmaCmId;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.VerbsException;

/**
 * An incoming RDMA-CM connection. DiSNI 2.1 hands incoming private data to no one, so
 * {@link #privateData()} is always empty; see docs/disni.md.
 */
final class DisniConnectRequest implements ConnectRequest {
    private final DisniConnectionManager cm;
    private final RdmaCmId id;
    private final String remoteAddress;

    DisniConnectRequest(DisniConnectionManager cm, RdmaCmId id, String remoteAddress) {
        this.cm = cm;
        this.id = id;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public byte[] privateData() {
        return new byte[0];
    }

    @Override
    public QueuePair accept(ConnectParams params, CmEventHandler handler) throws VerbsException {
        return cm.accept(id, remoteAddress, params, handler);
    }

    /** DiSNI 2.1 has no rdma_reject: destroying the id makes the kernel CM reject; private data is dropped. */
    @Override
    public void reject(byte[] privateData) {
        cm.reject(id);
    }
}
