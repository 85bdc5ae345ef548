package io.frwr.verbs;

import java.util.List;

/**
 * A work request for the send queue. Unsignaled WRs produce no completion when they succeed; every WR
 * produces one when it fails or is flushed.
 */
public sealed interface SendWr permits SendWr.FastReg, SendWr.LocalInv, SendWr.Send, SendWr.SendWithInv,
        SendWr.RdmaRead, SendWr.RdmaWrite {
    /** {@return the caller's id, given back in the completion} */
    long wrId();

    /** {@return whether a successful execution produces a completion (errors always do)} */
    boolean signaled();

    /** {@return which verb this is} */
    Opcode opcode();

    /**
     * Register {@code pages} under {@code rkey} (whose key byte {@link FastRegMr#updateKey} set) with
     * {@code access} flags. Fails with LOC_PROT_ERR if the MR is still valid.
     */
    record FastReg(long wrId, boolean signaled, FastRegMr mr, PageList pages, int rkey, int access) implements SendWr {
        public Opcode opcode() {
            return Opcode.FAST_REG;
        }
    }

    /** Invalidate the MR that {@code rkey} names; after it executes, that rkey never works again. */
    record LocalInv(long wrId, boolean signaled, int rkey) implements SendWr {
        public Opcode opcode() {
            return Opcode.LOCAL_INV;
        }
    }

    /** Send the gathered bytes to the peer's next posted receive. */
    record Send(long wrId, boolean signaled, List<Segment> sgl) implements SendWr {
        public Opcode opcode() {
            return Opcode.SEND;
        }
    }

    /** SEND that also invalidates {@code invalidateRkey} at the peer (RFC 8797 remote invalidation). */
    record SendWithInv(long wrId, boolean signaled, List<Segment> sgl, int invalidateRkey) implements SendWr {
        public Opcode opcode() {
            return Opcode.SEND_WITH_INV;
        }
    }

    /** Read {@code sgl}'s total length from the peer's [remoteAddr, +len) under {@code rkey} into {@code sgl}. */
    record RdmaRead(long wrId, boolean signaled, List<Segment> sgl, long remoteAddr, int rkey) implements SendWr {
        public Opcode opcode() {
            return Opcode.RDMA_READ;
        }
    }

    /** Write {@code sgl}'s bytes to the peer's [remoteAddr, +len) under {@code rkey}. */
    record RdmaWrite(long wrId, boolean signaled, List<Segment> sgl, long remoteAddr, int rkey) implements SendWr {
        public Opcode opcode() {
            return Opcode.RDMA_WRITE;
        }
    }

    static int totalLength(List<Segment> sgl) {
        int n = 0;
        for (int i = 0; i < sgl.size(); i++) {
            n += sgl.get(i).length();
        }
        return n;
    }
}
