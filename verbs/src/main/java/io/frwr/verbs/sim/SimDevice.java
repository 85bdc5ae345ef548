package io.frwr.verbs.sim;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Optional;

/**
 * One endpoint of the simulated fabric: an HCA with its own address space, MR table and connection manager.
 * Its {@link #name()} is its CM address by convention.
 *
 * <p>Memory: {@link #mapBuffer} gives each direct buffer a page-aligned bus address in this endpoint's address
 * space (endpoint {@code n} starts at {@code (n + 1) << 40}), with an unmapped guard page after each buffer,
 * and keeps an address-range map from which a page address resolves to its buffer ({@link #resolve}).
 * Local scatter/gather elements are checked at execution against this map (an SGE of a buffer that another
 * device mapped, or that was unmapped, is LOC_PROT_ERR): the sim behaves as if each mapped buffer were covered
 * by the PD's local DMA lkey.
 */
public final class SimDevice implements RdmaDevice {
    /** One mapped buffer. */
    static final class Mapping {
        final DmaBuffer dma;
        final long address;
        final int length;
        boolean live = true;

        Mapping(DmaBuffer dma) {
            this.dma = dma;
            this.address = dma.address();
            this.length = dma.length();
        }
    }

    private final SimFabric fabric;
    private final String name;
    private final int endpointId;
    private final DeviceAttributes attributes;
    private final SimConnectionManager cm;

    // Everything below is guarded by the fabric lock.
    boolean closed;
    private final IdentityHashMap<DmaBuffer, Mapping> mappings = new IdentityHashMap<>();
    private final IdentityHashMap<ByteBuffer, Mapping> byBuffer = new IdentityHashMap<>();
    private final ArrayList<Mapping> byAddress = new ArrayList<>();
    private long nextAddress;
    final SimIntMap<SimMr> mrs = new SimIntMap<>();
    private int nextMrIndex = 1;
    private int liveMrs;
    private int reservedMrs;
    private int nextPdNum = 1;
    int failPosts;
    Errno failPostsErrno;
    int failAllocs;
    int failDeregs;
    long delayNanos;
    /** post_send calls on this device's QPs refused because the send queue was full (fabric lock). */
    long sendQueueFull;

    SimDevice(SimFabric fabric, String name, int endpointId, DeviceAttributes attributes) {
        this.fabric = fabric;
        this.name = name;
        this.endpointId = endpointId;
        this.attributes = attributes;
        this.nextAddress = (endpointId + 1L) << 40;
        this.cm = new SimConnectionManager(this);
    }

    /** {@return the fabric this endpoint is on} */
    public SimFabric fabric() {
        return fabric;
    }

    /** Small integer, in endpoint creation order (0, 1, ...); the wire capture's endpoint id. */
    public int endpointId() {
        return endpointId;
    }

    /** The endpoint's name, which is also its CM address by convention. */
    public String name() {
        return name;
    }

    @Override
    public DeviceAttributes attributes() {
        return attributes;
    }

    @Override
    public SimProtectionDomain allocPd() throws VerbsException {
        fabric.lock.lock();
        try {
            checkOpen();
            return new SimProtectionDomain(this, nextPdNum++);
        } finally {
            fabric.lock.unlock();
        }
    }

    @Override
    public SimCompletionQueue createCq(int capacity) throws VerbsException {
        if (capacity < 1) {
            throw new VerbsException(Errno.EINVAL, "CQ capacity must be positive, was " + capacity);
        }
        fabric.lock.lock();
        try {
            checkOpen();
            return new SimCompletionQueue(this, capacity);
        } finally {
            fabric.lock.unlock();
        }
    }

    /**
     * EINVAL for a heap or read-only buffer or an empty one, EBUSY if this device mapped the same buffer
     * object already.
     */
    @Override
    public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
        if (direct == null) {
            throw new VerbsException(Errno.EINVAL, "cannot map a null buffer");
        }
        if (!direct.isDirect()) {
            throw new VerbsException(Errno.EINVAL, "cannot DMA-map a heap ByteBuffer (" + direct.capacity()
                    + " bytes): the HCA needs memory outside the Java heap, use ByteBuffer.allocateDirect");
        }
        if (direct.isReadOnly()) {
            throw new VerbsException(Errno.EINVAL, "cannot DMA-map a read-only ByteBuffer: the HCA writes into"
                    + " mapped memory");
        }
        if (direct.capacity() == 0) {
            throw new VerbsException(Errno.EINVAL, "cannot DMA-map an empty ByteBuffer");
        }
        fabric.lock.lock();
        try {
            checkOpen();
            if (byBuffer.containsKey(direct)) {
                throw new VerbsException(Errno.EBUSY, "this ByteBuffer is already mapped at 0x"
                        + Long.toHexString(byBuffer.get(direct).address) + " on " + name);
            }
            final long page = attributes.pageSize();
            final long address = nextAddress;
            final long span = (direct.capacity() + page - 1) / page * page;
            nextAddress = address + span + page; // an unmapped guard page after every buffer
            final DmaBuffer dma = new DmaBuffer(direct, address, this);
            final Mapping m = new Mapping(dma);
            mappings.put(dma, m);
            byBuffer.put(direct, m);
            byAddress.add(m); // addresses only grow, so the list stays sorted
            return dma;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** Unmaps; an MR still mapping this memory refuses remote access to it afterwards (UNMAPPED). */
    @Override
    public void unmapBuffer(DmaBuffer buffer) {
        if (buffer.owner() != this) {
            throw new IllegalArgumentException(buffer + " was not mapped by " + name);
        }
        fabric.lock.lock();
        try {
            final Mapping m = mappings.remove(buffer);
            if (m == null) {
                return;
            }
            m.live = false;
            byBuffer.remove(buffer.buffer());
            final int i = indexOf(m.address);
            if (i >= 0) {
                byAddress.remove(i);
            }
        } finally {
            fabric.lock.unlock();
        }
    }

    /** The mapped buffer that contains {@code address}, if any. */
    public Optional<DmaBuffer> resolve(long address) {
        fabric.lock.lock();
        try {
            final Mapping m = findMapping(address, 1);
            return m == null ? Optional.empty() : Optional.of(m.dma);
        } finally {
            fabric.lock.unlock();
        }
    }

    @Override
    public SimConnectionManager connectionManager() {
        return cm;
    }

    /** Moves every QP of this endpoint to ERROR (Disconnected at both ends) and closes its listeners. */
    @Override
    public void close() {
        fabric.lock.lock();
        try {
            closeLocked();
        } finally {
            fabric.unlockAndNotify();
        }
    }

    void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        fabric.closeListenersOf(this);
        for (SimQueuePair qp : fabric.queuePairsOf(this)) {
            qp.enterError("device " + name + " closed");
        }
    }

    /** {@return whether the endpoint was closed (its fabric closes every endpoint)} */
    public boolean isClosed() {
        fabric.lock.lock();
        try {
            return closed;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** MRs allocated and not yet deregistered. */
    public int liveMrCount() {
        fabric.lock.lock();
        try {
            return liveMrs;
        } finally {
            fabric.lock.unlock();
        }
    }

    /**
     * rkeys that a remote access would find valid here now (MRs allocated, fast-registered and not invalidated):
     * what a checker asks after a shutdown, when it must be 0.
     */
    public int liveRkeyCount() {
        fabric.lock.lock();
        try {
            final int[] live = new int[1];
            mrs.forEachValue(mr -> {
                if (!mr.deregistered && mr.valid) {
                    live[0]++;
                }
            });
            return live[0];
        } finally {
            fabric.lock.unlock();
        }
    }

    void checkOpen() throws VerbsException {
        if (closed) {
            throw new VerbsException(Errno.ENODEV, "device " + name + " is closed");
        }
        if (fabric.isClosed()) {
            throw new VerbsException(Errno.ENODEV, "the fabric is closed");
        }
    }

    // ---- memory (fabric lock held) ----

    /** True if this device mapped the segment's buffer and it is still mapped. */
    boolean isLocal(Segment s) {
        return s.buffer().owner() == this && mappings.containsKey(s.buffer());
    }

    boolean allLocal(java.util.List<Segment> sgl) {
        for (int i = 0; i < sgl.size(); i++) {
            if (!isLocal(sgl.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The live mapping that contains all of [address, address + length), or null. */
    Mapping findMapping(long address, int length) {
        int lo = 0;
        int hi = byAddress.size() - 1;
        Mapping found = null;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final Mapping m = byAddress.get(mid);
            if (m.address <= address) {
                found = m;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found == null || address - found.address > found.length - (long) length) {
            return null;
        }
        return found;
    }

    private int indexOf(long address) {
        int lo = 0;
        int hi = byAddress.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final long a = byAddress.get(mid).address;
            if (a == address) {
                return mid;
            }
            if (a < address) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    // ---- MRs ----

    SimMr allocMr(SimProtectionDomain pd, int maxPages) throws VerbsException {
        if (pd.device() != this) {
            throw new VerbsException(Errno.EINVAL, pd + " is not a PD of " + name);
        }
        final int index;
        fabric.lock.lock();
        try {
            checkOpen();
            if (maxPages < 1 || maxPages > attributes.maxFastRegPageListLen()) {
                throw new VerbsException(Errno.EINVAL, "maxPages " + maxPages + " is outside [1, "
                        + attributes.maxFastRegPageListLen() + "] (max_fast_reg_page_list_len of " + name + ")");
            }
            if (failAllocs > 0) {
                failAllocs--;
                fabric.counters.injected(SimStats.InjectedFault.ALLOC_FAILURE);
                throw new VerbsException(Errno.ENOMEM, "MR allocation failed on " + name + " (injected fault)", true);
            }
            if (liveMrs + reservedMrs >= attributes.maxMr()) {
                throw new VerbsException(Errno.ENOMEM, name + " holds its maximum of " + attributes.maxMr()
                        + " MRs");
            }
            if (nextMrIndex > 0xFF_FFFF) {
                throw new VerbsException(Errno.ENOMEM, name + " has used all 2^24 MR indices");
            }
            index = nextMrIndex++;
            reservedMrs++;
            fabric.mrOpStarted(fabric.costs.allocMrNanos());
        } finally {
            fabric.unlockAndNotify();
        }
        SimMr mr = null;
        try {
            fabric.mrOpCost(fabric.costs.allocMrNanos());
        } finally {
            fabric.lock.lock();
            try {
                reservedMrs--;
                fabric.mrOpFinished();
                mr = new SimMr(this, pd, index, maxPages);
                mrs.put(index, mr);
                liveMrs++;
                fabric.counters.mrsAllocated++;
            } finally {
                fabric.lock.unlock();
            }
        }
        return mr;
    }

    void deregMr(SimProtectionDomain pd, FastRegMr fmr) throws VerbsException {
        if (!(fmr instanceof SimMr mr) || mr.device != this) {
            throw new VerbsException(Errno.EINVAL, fmr + " is not an MR of " + name);
        }
        fabric.lock.lock();
        try {
            if (mr.pd != pd) {
                throw new VerbsException(Errno.EINVAL, mr + " belongs to " + mr.pd + ", not " + pd);
            }
            if (mr.deregistered) {
                throw new VerbsException(Errno.EINVAL, mr + " is already deregistered");
            }
            if (failDeregs > 0) {
                failDeregs--;
                fabric.counters.injected(SimStats.InjectedFault.DEREG_FAILURE);
                throw new VerbsException(Errno.EBUSY, "deregistration of " + mr + " failed (injected fault)", true);
            }
            // the rkey dies now, before the firmware time is spent
            mr.deregistered = true;
            mr.valid = false;
            mrs.remove(mr.index);
            liveMrs--;
            fabric.counters.mrsDeregistered++;
            fabric.mrOpStarted(fabric.costs.deregMrNanos());
        } finally {
            fabric.unlockAndNotify();
        }
        try {
            fabric.mrOpCost(fabric.costs.deregMrNanos());
        } finally {
            fabric.lock.lock();
            try {
                fabric.mrOpFinished();
            } finally {
                fabric.lock.unlock();
            }
        }
    }

    /**
     * post_send calls on this device's QPs that the fabric refused because the send queue was full. Injected
     * post failures never count here: a non-zero value means the poster overran its queue.
     */
    public long sendQueueOverflows() {
        fabric.lock.lock();
        try {
            return sendQueueFull;
        } finally {
            fabric.lock.unlock();
        }
    }

    /** The MR that a remote access under {@code rkey} resolved to, set by {@link #checkRemote}. */
    /**
     * True if a remote access with exactly this rkey (index and key byte) would find a valid MR here: what a
     * checker asks when a caller was told its memory is safe.
     */
    public boolean isRkeyLive(int rkey) {
        fabric.lock.lock();
        try {
            final SimMr mr = mrs.get(io.frwr.verbs.RKey.index(rkey));
            return mr != null && !mr.deregistered && mr.valid
                    && io.frwr.verbs.RKey.keyByte(rkey) == io.frwr.verbs.RKey.keyByte(mr.hwRkey);
        } finally {
            fabric.lock.unlock();
        }
    }

    /**
     * True if a peer could reach memory under this rkey now: the rkey is live ({@link #isRkeyLive}) and some QP
     * of this endpoint in the MR's protection domain can still be the target of a remote access (RTR or RTS).
     * An MR of a retired PD, whose QPs are all in ERROR or gone, is live but unreachable: what a checker asks
     * when a caller was told its memory is safe although deregistration failed.
     */
    public boolean isRkeyReachable(int rkey) {
        fabric.lock.lock();
        try {
            final SimMr mr = mrs.get(io.frwr.verbs.RKey.index(rkey));
            if (mr == null || mr.deregistered || !mr.valid
                    || io.frwr.verbs.RKey.keyByte(rkey) != io.frwr.verbs.RKey.keyByte(mr.hwRkey)) {
                return false;
            }
            for (SimQueuePair q : fabric.queuePairsOf(this)) {
                final io.frwr.verbs.QpState st = q.state();
                if (q.pd == mr.pd && (st == io.frwr.verbs.QpState.RTS || st == io.frwr.verbs.QpState.RTR)) {
                    return true;
                }
            }
            return false;
        } finally {
            fabric.lock.unlock();
        }
    }

    SimMr resolved;

    /**
     * Checks a remote access at this (target) endpoint; null if allowed (then {@link #resolved} is the MR).
     * {@code access} 0 checks only that the MR exists, is in the QP's PD, is valid and the key byte matches
     * (SEND_WITH_INV).
     */
    SimStats.DenyReason checkRemote(SimQueuePair targetQp, int rkey, long address, int length, int access) {
        final SimMr mr = mrs.get(io.frwr.verbs.RKey.index(rkey));
        resolved = null;
        if (mr == null || mr.deregistered) {
            return SimStats.DenyReason.NO_SUCH_MR;
        }
        if (mr.pd != targetQp.pd) {
            return SimStats.DenyReason.PD_MISMATCH;
        }
        if (!mr.valid) {
            return SimStats.DenyReason.INVALID;
        }
        if (io.frwr.verbs.RKey.keyByte(rkey) != io.frwr.verbs.RKey.keyByte(mr.hwRkey)) {
            return SimStats.DenyReason.KEY_MISMATCH;
        }
        if (access != 0) {
            if ((mr.access & access) != access) {
                return SimStats.DenyReason.ACCESS;
            }
            if (address < mr.iova || address - mr.iova > (long) mr.length - length) {
                return SimStats.DenyReason.BOUNDS;
            }
            if (length > 0 && !mr.rangesMapped(address - mr.iova, length)) {
                return SimStats.DenyReason.UNMAPPED;
            }
        }
        resolved = mr;
        return null;
    }

    /** Null if {@code params} can create a QP on this device, else why not. */
    String validate(ConnectParams params) {
        if (params == null) {
            return "no connect parameters";
        }
        if (!(params.pd() instanceof SimProtectionDomain pd) || pd.device() != this) {
            return "the PD " + params.pd() + " is not a PD of " + name;
        }
        if (!isOwnCq(params.sendCq()) || !isOwnCq(params.recvCq())) {
            return "the CQs must be created by " + name;
        }
        if (params.maxSendWr() > attributes.maxQpWr() || params.maxRecvWr() > attributes.maxQpWr()) {
            return "maxSendWr " + params.maxSendWr() + " / maxRecvWr " + params.maxRecvWr() + " exceed max_qp_wr "
                    + attributes.maxQpWr() + " of " + name;
        }
        return null;
    }

    private boolean isOwnCq(CompletionQueue cq) {
        return cq instanceof SimCompletionQueue c && c.device() == this;
    }

    @Override
    public String toString() {
        return "SimDevice[" + name + ", ep" + endpointId + "]";
    }
}
