package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PD of the DiSNI provider. Every PD of one device shares the device's single native PD: the SPI maps
 * buffers per device ({@link RdmaDevice#mapBuffer}), and their lkeys must be valid on every QP.
 */
final class DisniProtectionDomain implements ProtectionDomain {
    private final DisniDevice device;
    private final EmulatedFastReg emulation;
    private final RegistrationThread regThread;
    private final AtomicInteger liveMrs;
    private final AtomicInteger nextIndex;

    DisniProtectionDomain(DisniDevice device, EmulatedFastReg emulation, RegistrationThread regThread,
                          AtomicInteger liveMrs, AtomicInteger nextIndex) {
        this.device = device;
        this.emulation = emulation;
        this.regThread = regThread;
        this.liveMrs = liveMrs;
        this.nextIndex = nextIndex;
    }

    @Override
    public RdmaDevice device() {
        return device;
    }

    /** No native call: the MR exists natively only while a FAST_REG's registration lives. */
    @Override
    public FastRegMr allocFastRegMr(int maxPages) throws VerbsException {
        final int depth = device.attributes().maxFastRegPageListLen();
        if (maxPages < 1 || maxPages > depth) {
            throw new VerbsException(Errno.EINVAL, "maxPages must be in 1.." + depth + ", was " + maxPages);
        }
        final int maxMr = device.attributes().maxMr();
        if (liveMrs.incrementAndGet() > maxMr) {
            liveMrs.decrementAndGet();
            throw new VerbsException(Errno.ENOMEM, "device " + device.attributes().name() + " holds its maximum of "
                    + maxMr + " MRs (DisniOptions.maxMr)");
        }
        return new DisniFastRegMr(device, nextIndex.getAndIncrement() & 0xFF_FFFF, maxPages);
    }

    /** Runs on the registration thread, behind any emulated WR already queued there, and waits. */
    @Override
    public void deregMr(FastRegMr mr) throws VerbsException {
        if (!(mr instanceof DisniFastRegMr dmr) || dmr.device() != device) {
            throw new VerbsException(Errno.EINVAL, mr + " was not allocated by device "
                    + device.attributes().name());
        }
        if (dmr.isDeregistered()) {
            throw new VerbsException(Errno.EINVAL, mr + " is already deregistered");
        }
        regThread.call(() -> {
            try {
                emulation.dereg(dmr);
            } catch (IOException e) {
                throw new VerbsException(Errno.EBUSY, "ibv_dereg_mr of " + dmr + " failed: " + e.getMessage(), e);
            }
            return null;
        });
        liveMrs.decrementAndGet();
    }
}
