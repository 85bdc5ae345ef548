package io.frwr.verbs.disni;

import com.ibm.disni.verbs.IbvCQ;
import com.ibm.disni.verbs.IbvCompChannel;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.SVCPollCq;
import com.ibm.disni.verbs.SVCReqNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/** {@link NativeCq} over a DiSNI CQ with its own completion channel. Needs libdisni; not unit tested. */
final class DisniNativeCq implements NativeCq {
    private static final Logger LOG = LoggerFactory.getLogger(DisniNativeCq.class);

    private final IbvCQ cq;
    private final IbvCompChannel channel;
    private final IbvWC[] wcs;
    // stateful verb calls: built once, executed on every poll, as DiSNI intends
    private final SVCPollCq pollCall;
    private final SVCReqNotify armCall;

    DisniNativeCq(IbvCQ cq, IbvCompChannel channel, int batch) throws IOException {
        this.cq = cq;
        this.channel = channel;
        this.wcs = new IbvWC[batch];
        for (int i = 0; i < batch; i++) {
            wcs[i] = new IbvWC();
        }
        this.pollCall = cq.poll(wcs, batch);
        this.armCall = cq.reqNotification(false);
    }

    IbvCQ ibvCq() {
        return cq;
    }

    @Override
    public int poll(List<NativeCompletion> into, int max) throws IOException {
        final int n = Math.min(max, pollCall.execute().getPolls());
        for (int i = 0; i < n; i++) {
            final IbvWC wc = wcs[i];
            into.add(new NativeCompletion(wc.getWr_id(), wc.getStatus(), wc.getOpcode(), wc.getByte_len(),
                    wc.getWc_flags(), wc.getImm_data(), wc.getQp_num(), wc.getVendor_err()));
        }
        return n;
    }

    @Override
    public void arm() throws IOException {
        armCall.execute();
    }

    @Override
    public void awaitEvent(int timeoutMs) throws IOException {
        if (channel.getCqEvent(cq, timeoutMs)) {
            cq.ackEvents(1);
        }
    }

    @Override
    public void close() {
        try {
            pollCall.free();
            armCall.free();
            cq.destroyCQ();
            channel.destroyCompChannel();
        } catch (IOException | RuntimeException e) {
            LOG.debug("destroying a CQ: {}", e.getMessage());
        }
    }
}
