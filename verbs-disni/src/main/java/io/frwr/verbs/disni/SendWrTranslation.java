package io.frwr.verbs.disni;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;

import java.util.ArrayList;
import java.util.List;

/** SPI send WRs to the fields of DiSNI's IbvSendWR. Pure: no native code, tested everywhere. */
final class SendWrTranslation {
    /** The lkey under which the device mapped a buffer; IllegalArgumentException for a foreign buffer. */
    @FunctionalInterface
    interface LkeyResolver {
        int lkeyOf(DmaBuffer buffer);
    }

    private SendWrTranslation() {
    }

    /**
     * @param nativeWrId our sequence number for the WR (the caller's wr_id stays in the ledger)
     * @param maxSge     the QP's max_send_sge
     */
    static NativeSendWr toNative(SendWr wr, long nativeWrId, int maxSge, LkeyResolver lkeys) {
        final int flags = wr.signaled() ? IbvNumbers.SEND_SIGNALED : 0;
        if (wr instanceof SendWr.Send s) {
            return new NativeSendWr(nativeWrId, IbvNumbers.WR_SEND, flags, sges(s.sgl(), maxSge, lkeys), 0, 0, 0);
        }
        if (wr instanceof SendWr.SendWithInv s) {
            return new NativeSendWr(nativeWrId, IbvNumbers.WR_SEND_WITH_INV, flags, sges(s.sgl(), maxSge, lkeys),
                    0, 0, s.invalidateRkey());
        }
        if (wr instanceof SendWr.RdmaRead r) {
            return new NativeSendWr(nativeWrId, IbvNumbers.WR_RDMA_READ, flags, sges(r.sgl(), maxSge, lkeys),
                    r.remoteAddr(), r.rkey(), 0);
        }
        if (wr instanceof SendWr.RdmaWrite w) {
            return new NativeSendWr(nativeWrId, IbvNumbers.WR_RDMA_WRITE, flags, sges(w.sgl(), maxSge, lkeys),
                    w.remoteAddr(), w.rkey(), 0);
        }
        throw new IllegalArgumentException(wr.opcode() + " has no DiSNI verb; it is emulated, never posted natively");
    }

    /** True for the WRs DiSNI cannot post: they run on the registration thread instead. */
    static boolean isEmulated(SendWr wr) {
        return wr instanceof SendWr.FastReg || wr instanceof SendWr.LocalInv;
    }

    /** Zero-length segments are dropped: some HCAs read an sge length of 0 as 2 GiB. */
    static List<NativeSge> sges(List<Segment> sgl, int maxSge, LkeyResolver lkeys) {
        final List<NativeSge> out = new ArrayList<>(sgl.size());
        for (int i = 0; i < sgl.size(); i++) {
            final Segment seg = sgl.get(i);
            if (seg.length() > 0) {
                out.add(new NativeSge(seg.address(), seg.length(), lkeys.lkeyOf(seg.buffer())));
            }
        }
        if (out.size() > maxSge) {
            throw new IllegalArgumentException("WR has " + out.size() + " non-empty segments; this QP allows 1.."
                    + maxSge + " (max_send_sge)");
        }
        return out;
    }
}
