package io.frwr.verbs.sim;

import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.RKey;

/**
 * A fast-registration MR. Two copies of its rkey exist, as on an HCA: the software copy that
 * {@link #updateKey} changes and that the next FAST_REG WR normally carries, and the hardware copy that only
 * an executed FAST_REG changes and that remote accesses are checked against.
 *
 * <p>rkey = 24-bit index (from 1, never reused in one endpoint's lifetime) and an 8-bit key byte (0 at
 * allocation).
 */
public final class SimMr implements FastRegMr {
    final SimDevice device;
    final SimProtectionDomain pd;
    final int index;
    final int maxPages;
    private volatile int softwareRkey;

    // The hardware copy; guarded by the fabric lock.
    int hwRkey;
    boolean valid;
    volatile boolean deregistered;
    int access;
    long iova;
    int length;
    int rangeCount;
    SimDevice.Mapping[] rangeMapping;
    int[] rangeOffset;
    int[] rangeLength;

    SimMr(SimDevice device, SimProtectionDomain pd, int index, int maxPages) {
        this.device = device;
        this.pd = pd;
        this.index = index;
        this.maxPages = maxPages;
        this.softwareRkey = RKey.of(index, 0);
        this.hwRkey = softwareRkey;
        final int initial = Math.min(maxPages, 4);
        this.rangeMapping = new SimDevice.Mapping[initial];
        this.rangeOffset = new int[initial];
        this.rangeLength = new int[initial];
    }

    @Override
    public int rkey() {
        return softwareRkey;
    }

    @Override
    public int lkey() {
        return softwareRkey;
    }

    @Override
    public int maxPages() {
        return maxPages;
    }

    @Override
    public void updateKey(int keyByte) {
        if (deregistered) {
            throw new IllegalStateException("MR " + RKey.format(softwareRkey) + " is deregistered");
        }
        softwareRkey = RKey.withKeyByte(softwareRkey, keyByte);
    }

    @Override
    public boolean isDeregistered() {
        return deregistered;
    }

    /** {@return the endpoint the MR lives on} */
    public SimDevice device() {
        return device;
    }

    /** The 24-bit MR index. */
    public int index() {
        return index;
    }

    /** The hardware state: true between an executed FAST_REG and the invalidation that follows it. */
    public boolean isValid() {
        device.fabric().lock.lock();
        try {
            return valid;
        } finally {
            device.fabric().lock.unlock();
        }
    }

    /** The rkey the last executed FAST_REG installed (the initial rkey before any). */
    public int installedRkey() {
        device.fabric().lock.lock();
        try {
            return hwRkey;
        } finally {
            device.fabric().lock.unlock();
        }
    }

    void ensureRanges(int n) {
        if (rangeMapping.length < n) {
            final int cap = Math.min(maxPages, Math.max(n, rangeMapping.length * 2));
            rangeMapping = java.util.Arrays.copyOf(rangeMapping, cap);
            rangeOffset = java.util.Arrays.copyOf(rangeOffset, cap);
            rangeLength = java.util.Arrays.copyOf(rangeLength, cap);
        }
    }

    /** True if every range that [off, off+len) of the iova space touches still maps live memory. */
    boolean rangesMapped(long off, int len) {
        int i = 0;
        while (off >= rangeLength[i]) {
            off -= rangeLength[i];
            i++;
        }
        long left = len;
        while (left > 0) {
            if (!rangeMapping[i].live) {
                return false;
            }
            left -= rangeLength[i] - off;
            off = 0;
            i++;
        }
        return true;
    }

    /** Copies [off, off+len) of the iova space out of memory. */
    byte[] read(long off, int len) {
        final byte[] out = new byte[len];
        int i = 0;
        while (off >= rangeLength[i]) {
            off -= rangeLength[i];
            i++;
        }
        int pos = 0;
        while (pos < len) {
            final int n = (int) Math.min(rangeLength[i] - off, len - pos);
            rangeMapping[i].dma.buffer().get((int) (rangeOffset[i] + off), out, pos, n);
            pos += n;
            off = 0;
            i++;
        }
        return out;
    }

    /** Copies {@code data} into [off, off+data.length) of the iova space. */
    void write(long off, byte[] data) {
        int i = 0;
        while (off >= rangeLength[i]) {
            off -= rangeLength[i];
            i++;
        }
        int pos = 0;
        while (pos < data.length) {
            final int n = (int) Math.min(rangeLength[i] - off, data.length - pos);
            rangeMapping[i].dma.buffer().put((int) (rangeOffset[i] + off), data, pos, n);
            pos += n;
            off = 0;
            i++;
        }
    }

    @Override
    public String toString() {
        return "SimMr[" + device.name() + " index " + index + ", rkey " + RKey.format(softwareRkey)
                + (deregistered ? ", deregistered" : "") + "]";
    }
}
