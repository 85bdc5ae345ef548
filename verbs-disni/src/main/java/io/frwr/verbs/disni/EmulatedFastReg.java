package io.frwr.verbs.disni;

import io.frwr.verbs.Access;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FAST_REG and LOCAL_INV for a device that has neither: DiSNI 2.1 exposes ibv_reg_mr and ibv_dereg_mr
 * only. Every method here blocks in the kernel, so it runs on the provider's single "disni-reg" thread and
 * completes through the QP's normal completion path; the QP holds WRs posted after an emulated one until
 * it finishes, so a SEND that carries a handle never reaches the wire before the registration exists.
 *
 * <p>How this differs from true FRWR, exactly:
 * <ul>
 * <li><b>Cost.</b> FAST_REG is one send-queue WQE the HCA executes in line; here it is a system call
 * that pins the pages and writes the HCA's translation tables (tens of microseconds, more for large
 * ranges), and LOCAL_INV is an ibv_dereg_mr of similar cost. Registrations are serialised on one thread.
 * <li><b>The rkey.</b> ibv_reg_mr chooses the whole rkey, index and key byte. The rkey the FAST_REG WR asked
 * for (and the key byte {@code updateKey} set) is ignored; {@link DisniFastRegMr#rkey()} changes to the
 * returned rkey before the FAST_REG's completion is delivered. A consumer must therefore read
 * {@code mr.rkey()} after that completion (signal the FAST_REG) before advertising the handle, unlike true
 * FRWR where it is known at post time.
 * <li><b>rkey reuse and stale handles.</b> The key byte is not under our control, so key bumping gives no
 * protection: a stale handle is refused only because ibv_dereg_mr destroyed the registration it named.
 * The device may hand the same rkey value to a later registration (rxe reuses indices with a key that
 * rolls over), so an old handle that a peer replays can, in the worst case, reach a newer registration
 * of the same rkey. True FRWR has the same 8-bit window; here its size is the device's, not ours.
 * <li><b>No remote invalidation.</b> An MR from ibv_reg_mr is not invalidatable: when a peer's
 * SEND_WITH_INV names it, the HCA refuses the operation (a remote invalid request: the incoming SEND fails,
 * this QP goes to ERROR, and the sender sees an error completion, REM_INV_REQ_ERR or REM_OP_ERR as the
 * device reports it). A DiSNI requester must not advertise RFC 8797 remote invalidation; it invalidates
 * with LOCAL_INV (ibv_dereg_mr) always. As a sender, a DiSNI responder can post SEND_WITH_INV (opcode 9)
 * to a peer whose MRs are real FRWR MRs.
 * <li><b>Ordering.</b> An emulated WR runs as soon as it reaches the head of its QP's held queue; it does
 * not wait for earlier natively posted WRs to finish. That is safe because no native WR uses an emulated
 * MR locally: local SGEs always use the lkey of the buffer's DMA mapping.
 * <li><b>Flush.</b> If the QP enters ERROR while an emulated WR runs, the call still finishes and the WR
 * completes with WR_FLUSH_ERR; a registration it made stays with the MR until deregMr, which the consumer's
 * recovery of a flushed (STALE) MR calls anyway.
 * </ul>
 */
final class EmulatedFastReg {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatedFastReg.class);

    private final NativeRegistrar registrar;
    private final Object device;
    /** Native rkey of every live registration to its MR, for LOCAL_INV, which names only the rkey. */
    private final Map<Integer, DisniFastRegMr> byRkey = new ConcurrentHashMap<>();

    EmulatedFastReg(NativeRegistrar registrar, Object device) {
        this.registrar = registrar;
        this.device = device;
    }

    /** Runs either emulated WR; on the registration thread. */
    WcStatus execute(SendWr wr) {
        if (wr instanceof SendWr.FastReg f) {
            return fastReg(f);
        }
        if (wr instanceof SendWr.LocalInv l) {
            return localInv(l);
        }
        throw new IllegalArgumentException(wr.opcode() + " is not emulated");
    }

    WcStatus fastReg(SendWr.FastReg wr) {
        if (!(wr.mr() instanceof DisniFastRegMr mr) || mr.device() != device) {
            LOG.warn("FAST_REG wr_id={} names an MR of another device or provider: LOC_PROT_ERR", wr.wrId());
            return WcStatus.LOC_PROT_ERR;
        }
        if (mr.isDeregistered() || mr.registration() != null) {
            LOG.warn("FAST_REG wr_id={} on {}: the MR is {}, must be invalid: LOC_PROT_ERR", wr.wrId(), mr,
                    mr.isDeregistered() ? "deregistered" : "still valid");
            return WcStatus.LOC_PROT_ERR;
        }
        if (wr.pages().pageCount() > mr.maxPages()) {
            LOG.warn("FAST_REG wr_id={} maps {} pages, the MR allows 1..{}: LOC_PROT_ERR", wr.wrId(),
                    wr.pages().pageCount(), mr.maxPages());
            return WcStatus.LOC_PROT_ERR;
        }
        final RegistrationRange range;
        try {
            range = RegistrationRange.of(wr.pages());
        } catch (IllegalArgumentException e) {
            LOG.warn("FAST_REG wr_id={} cannot be emulated with ibv_reg_mr: {}: LOC_PROT_ERR", wr.wrId(),
                    e.getMessage());
            return WcStatus.LOC_PROT_ERR;
        }
        try {
            final NativeMr reg = registrar.regMr(range.address(), range.length(), ibvAccess(wr.access()));
            mr.installed(reg);
            byRkey.put(reg.rkey(), mr);
            if (LOG.isDebugEnabled()) {
                LOG.debug("FAST_REG wr_id={}: asked rkey {}, ibv_reg_mr gave {} for 0x{}+{}", wr.wrId(),
                        RKey.format(wr.rkey()), RKey.format(reg.rkey()), Long.toHexString(range.address()),
                        range.length());
            }
            return WcStatus.SUCCESS;
        } catch (IOException e) {
            LOG.warn("FAST_REG wr_id={}: ibv_reg_mr(0x{}, {}) failed: {}: LOC_PROT_ERR", wr.wrId(),
                    Long.toHexString(range.address()), range.length(), e.getMessage());
            return WcStatus.LOC_PROT_ERR;
        }
    }

    WcStatus localInv(SendWr.LocalInv wr) {
        final DisniFastRegMr mr = byRkey.remove(wr.rkey());
        if (mr == null || mr.registration() == null) {
            LOG.warn("LOCAL_INV wr_id={}: no live registration has rkey {}: LOC_PROT_ERR", wr.wrId(),
                    RKey.format(wr.rkey()));
            return WcStatus.LOC_PROT_ERR;
        }
        try {
            registrar.deregMr(mr.registration());
            mr.invalidated();
            return WcStatus.SUCCESS;
        } catch (IOException e) {
            // the registration may still exist: keep it on the MR so that deregMr retries it
            byRkey.put(wr.rkey(), mr);
            LOG.warn("LOCAL_INV wr_id={}: ibv_dereg_mr of rkey {} failed: {}: LOC_PROT_ERR", wr.wrId(),
                    RKey.format(wr.rkey()), e.getMessage());
            return WcStatus.LOC_PROT_ERR;
        }
    }

    /** ib_dereg_mr of the MR itself: drops any registration it still holds. */
    void dereg(DisniFastRegMr mr) throws IOException {
        final NativeMr reg = mr.registration();
        if (reg != null) {
            byRkey.remove(reg.rkey());
            registrar.deregMr(reg);
        }
        mr.markDeregistered();
    }

    /** SPI access bits to ibv_access_flags; ibverbs refuses REMOTE_WRITE without LOCAL_WRITE. */
    static int ibvAccess(int access) {
        int flags = 0;
        if (Access.allows(access, Access.LOCAL_WRITE)) flags |= IbvNumbers.ACCESS_LOCAL_WRITE;
        if (Access.allows(access, Access.REMOTE_READ)) flags |= IbvNumbers.ACCESS_REMOTE_READ;
        if (Access.allows(access, Access.REMOTE_WRITE)) {
            flags |= IbvNumbers.ACCESS_REMOTE_WRITE | IbvNumbers.ACCESS_LOCAL_WRITE;
        }
        return flags;
    }

    int liveRegistrations() {
        return byRkey.size();
    }
}
