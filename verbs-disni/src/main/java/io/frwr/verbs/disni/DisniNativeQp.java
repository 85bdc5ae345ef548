package io.frwr.verbs.disni;

import com.ibm.disni.verbs.IbvQP;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvSge;
import com.ibm.disni.verbs.RdmaCmId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedList;
import java.util.List;

/** {@link NativeQp} over DiSNI's IbvQP and the RdmaCmId that owns it. Needs libdisni; not unit tested. */
final class DisniNativeQp implements NativeQp {
    private static final Logger LOG = LoggerFactory.getLogger(DisniNativeQp.class);

    private final IbvQP qp;
    private final RdmaCmId id;
    private final int qpNum;

    DisniNativeQp(IbvQP qp, RdmaCmId id) throws IOException {
        this.qp = qp;
        this.id = id;
        this.qpNum = qp.getQp_num();
    }

    @Override
    public int qpNum() {
        return qpNum;
    }

    @Override
    public void postSend(NativeSendWr wr) throws IOException {
        final IbvSendWR ibv = new IbvSendWR();
        ibv.setWr_id(wr.wrId());
        ibv.setOpcode(wr.opcode());
        ibv.setSend_flags(wr.sendFlags());
        // imm_data shares a union with invalidate_rkey in ibv_send_wr; DiSNI writes it in host order
        ibv.setImm_data(wr.invalidateRkey());
        ibv.getRdma().setRemote_addr(wr.remoteAddr());
        ibv.getRdma().setRkey(wr.rkey());
        ibv.setSg_list(sgl(wr.sges()));
        ibv.setNum_sge(wr.sges().size());
        qp.postSend(List.of(ibv), null).execute().free();
    }

    @Override
    public void postRecv(NativeRecvWr wr) throws IOException {
        final IbvRecvWR ibv = new IbvRecvWR();
        ibv.setWr_id(wr.wrId());
        ibv.setSg_list(sgl(wr.sges()));
        ibv.setNum_sge(wr.sges().size());
        qp.postRecv(List.of(ibv), null).execute().free();
    }

    @Override
    public void disconnect() {
        try {
            id.disconnect();
        } catch (IOException e) {
            LOG.debug("rdma_disconnect of QP 0x{}: {}", Integer.toHexString(qpNum), e.getMessage());
        }
    }

    IbvQP ibvQp() {
        return qp;
    }

    RdmaCmId cmId() {
        return id;
    }

    private static LinkedList<IbvSge> sgl(List<NativeSge> sges) {
        final LinkedList<IbvSge> out = new LinkedList<>();
        for (NativeSge s : sges) {
            final IbvSge sge = new IbvSge();
            sge.setAddr(s.addr());
            sge.setLength(s.length());
            sge.setLkey(s.lkey());
            out.add(sge);
        }
        return out;
    }
}
