package io.frwr.verbs.disni;

import com.ibm.disni.verbs.IbvCQ;
import com.ibm.disni.verbs.IbvCompChannel;
import com.ibm.disni.verbs.IbvContext;
import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.IbvQP;
import com.ibm.disni.verbs.IbvQPInitAttr;
import com.ibm.disni.verbs.RdmaCm;
import com.ibm.disni.verbs.RdmaCmId;
import com.ibm.disni.verbs.RdmaEventChannel;
import com.ibm.disni.verbs.SVCRegMr;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One RDMA device reached through DiSNI. DiSNI finds a device only through RDMA-CM, so opening binds a
 * CM id to an IP address of the device and takes its verbs context; that id lives as long as the device.
 *
 * <p>Native objects per device: one PD (shared by every SPI PD, see {@link DisniProtectionDomain}), one
 * MR with LOCAL_WRITE per mapped buffer (its lkey serves every local SGE; it grants no remote access),
 * one CM event channel and thread, one registration thread, and per CQ a completion channel and a poller.
 */
public final class DisniDevice implements RdmaDevice {
    private static final Logger LOG = LoggerFactory.getLogger(DisniDevice.class);

    private final DeviceAttributes attributes;
    private final DisniOptions options;
    private final RdmaEventChannel channel;
    private final RdmaCmId bindId;
    private final IbvContext context;
    private final IbvPd pd;
    private final RegistrationThread regThread;
    private final EmulatedFastReg emulation;
    private final DisniConnectionManager cm;
    private final AtomicInteger liveMrs = new AtomicInteger();
    private final AtomicInteger nextMrIndex = new AtomicInteger(1);
    private final AtomicInteger cqCount = new AtomicInteger();
    private final Map<ByteBuffer, IbvMr> mappings = new IdentityHashMap<>();
    private final Map<DmaBuffer, Integer> lkeys = new ConcurrentHashMap<>();
    private final Map<CompletionQueue, DisniNativeCq> nativeCqs = new ConcurrentHashMap<>();
    private final List<CqPoller> pollers = new CopyOnWriteArrayList<>();
    private final Map<Integer, DisniQueuePair> qps = new ConcurrentHashMap<>();

    private DisniDevice(String name, DisniOptions options, RdmaEventChannel channel, RdmaCmId bindId,
                        IbvContext context, IbvPd pd) {
        this.options = options;
        this.attributes = new DeviceAttributes(name, options.pageSize(), options.maxFastRegPageListLen(),
                options.maxQpWr(), options.maxMr(), false);
        this.channel = channel;
        this.bindId = bindId;
        this.context = context;
        this.pd = pd;
        this.regThread = new RegistrationThread(name);
        this.emulation = new EmulatedFastReg(new DisniRegistrar(pd), this);
        this.cm = new DisniConnectionManager(this, options, channel);
        this.cm.start();
    }

    /** Binds to {@code ip} to find its device. Callers go through {@link DisniProvider#open}. */
    static DisniDevice open(String name, InetAddress ip, DisniOptions options) throws VerbsException {
        RdmaEventChannel channel = null;
        try {
            channel = RdmaEventChannel.createEventChannel();
            final RdmaCmId id = channel.createId(RdmaCm.RDMA_PS_TCP);
            id.bindAddr(new InetSocketAddress(ip, 0));
            final IbvContext ctx = id.getVerbs();
            if (ctx == null) {
                id.destroyId();
                throw new VerbsException(Errno.ENODEV, ip.getHostAddress() + " is not an address of an RDMA device "
                        + "(rdma_bind_addr found no verbs context); use the IP of the device's netdev");
            }
            final IbvPd pd = ctx.allocPd();
            return new DisniDevice(name, options, channel, id, ctx, pd);
        } catch (IOException e) {
            if (channel != null) {
                channel.close();
            }
            throw new VerbsException(Errno.ENODEV, "cannot open the RDMA device at " + ip.getHostAddress() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public DeviceAttributes attributes() {
        return attributes;
    }

    @Override
    public ProtectionDomain allocPd() {
        return new DisniProtectionDomain(this, emulation, regThread, liveMrs, nextMrIndex);
    }

    @Override
    public CompletionQueue createCq(int capacity) throws VerbsException {
        if (capacity < 1 || capacity > options.maxQpWr() * 2) {
            throw new VerbsException(Errno.EINVAL, "CQ capacity must be in 1.." + options.maxQpWr() * 2 + ", was "
                    + capacity);
        }
        try {
            final IbvCompChannel compChannel = context.createCompChannel();
            final IbvCQ cq = context.createCQ(compChannel, capacity, 0);
            final DisniNativeCq nativeCq = new DisniNativeCq(cq, compChannel, options.cqPollBatch());
            final DisniCompletionQueue dcq = new DisniCompletionQueue(capacity);
            nativeCqs.put(dcq, nativeCq);
            final CqPoller poller = new CqPoller("disni-cq-" + cqCount.incrementAndGet() + "[" + attributes.name()
                    + "]", nativeCq, qps::get, options.cqPollBatch(), (int) options.cqEventWait().toMillis());
            pollers.add(poller);
            poller.start();
            return dcq;
        } catch (IOException e) {
            throw new VerbsException(Errno.ENOMEM, "ibv_create_cq(" + capacity + ") failed: " + e.getMessage(), e);
        }
    }

    /** ibv_reg_mr with LOCAL_WRITE only: remote access comes from emulated FAST_REGs, never from this MR. */
    @Override
    public DmaBuffer mapBuffer(ByteBuffer direct) throws VerbsException {
        if (!direct.isDirect()) {
            throw new VerbsException(Errno.EINVAL, "only direct ByteBuffers can be mapped for DMA");
        }
        synchronized (mappings) {
            if (mappings.containsKey(direct)) {
                throw new VerbsException(Errno.EBUSY, "this buffer is already mapped by " + attributes.name());
            }
            try {
                final SVCRegMr call = pd.regMr(direct, IbvNumbers.ACCESS_LOCAL_WRITE);
                final IbvMr mr = call.execute().getMr();
                call.free();
                mappings.put(direct, mr);
                final DmaBuffer buffer = new DmaBuffer(direct, mr.getAddr(), this);
                lkeys.put(buffer, mr.getLkey());
                return buffer;
            } catch (IOException e) {
                throw new VerbsException(Errno.ENOMEM, "ibv_reg_mr of a " + direct.capacity() + "-byte buffer failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void unmapBuffer(DmaBuffer buffer) {
        synchronized (mappings) {
            lkeys.remove(buffer);
            final IbvMr mr = mappings.remove(buffer.buffer());
            if (mr != null) {
                try {
                    mr.deregMr().execute().free();
                } catch (IOException e) {
                    LOG.warn("ibv_dereg_mr of {} failed: {}", buffer, e.getMessage());
                }
            }
        }
    }

    @Override
    public ConnectionManager connectionManager() {
        return cm;
    }

    int lkeyOf(DmaBuffer buffer) {
        final Integer lkey = lkeys.get(buffer);
        if (lkey == null) {
            throw new IllegalArgumentException(buffer + " is not mapped by device " + attributes.name());
        }
        return lkey;
    }

    void checkQpParams(ConnectParams params) throws VerbsException {
        if (params.maxSendWr() > options.maxQpWr() || params.maxRecvWr() > options.maxQpWr()) {
            throw new VerbsException(Errno.EINVAL, "maxSendWr and maxRecvWr must be in 1.." + options.maxQpWr()
                    + " (DisniOptions.maxQpWr), were " + params.maxSendWr() + ", " + params.maxRecvWr());
        }
        if (!(params.pd() instanceof DisniProtectionDomain p) || p.device() != this
                || !nativeCqs.containsKey(params.sendCq()) || !nativeCqs.containsKey(params.recvCq())) {
            throw new VerbsException(Errno.EINVAL, "the PD and both CQs must come from device " + attributes.name());
        }
    }

    /** rdma_create_qp on {@code id}: an RC QP on the device's PD, registered for completion routing. */
    DisniQueuePair createQp(RdmaCmId id, ConnectParams params) throws IOException {
        final IbvQPInitAttr attr = new IbvQPInitAttr();
        attr.cap().setMax_send_wr(params.maxSendWr());
        attr.cap().setMax_recv_wr(params.maxRecvWr());
        attr.cap().setMax_send_sge(options.maxSge());
        attr.cap().setMax_recv_sge(options.maxSge());
        attr.cap().setMax_inline_data(0);
        attr.setQp_type(IbvQP.IBV_QPT_RC);
        attr.setSend_cq(nativeCqs.get(params.sendCq()).ibvCq());
        attr.setRecv_cq(nativeCqs.get(params.recvCq()).ibvCq());
        final IbvQP qp = id.createQP(pd, attr);
        final DisniQueuePair dqp = new DisniQueuePair(new DisniNativeQp(qp, id),
                (DisniCompletionQueue) params.sendCq(), (DisniCompletionQueue) params.recvCq(), params.maxSendWr(),
                params.maxRecvWr(), options.maxSge(), this::lkeyOf, emulation, regThread);
        qps.put(dqp.qpNum(), dqp);
        return dqp;
    }

    void forgetQp(DisniQueuePair qp) {
        qps.remove(qp.qpNum(), qp);
    }

    @Override
    public void close() {
        cm.close();
        pollers.forEach(CqPoller::stop);
        nativeCqs.values().forEach(DisniNativeCq::close);
        regThread.close();
        synchronized (mappings) {
            for (IbvMr mr : mappings.values()) {
                try {
                    mr.deregMr().execute().free();
                } catch (IOException e) {
                    LOG.debug("ibv_dereg_mr at close: {}", e.getMessage());
                }
            }
            mappings.clear();
            lkeys.clear();
        }
        try {
            pd.deallocPd();
        } catch (Exception e) {
            LOG.debug("ibv_dealloc_pd at close: {}", e.getMessage());
        }
        try {
            bindId.destroyId();
        } catch (IOException e) {
            LOG.debug("rdma_destroy_id at close: {}", e.getMessage());
        }
        channel.close();
    }

    @Override
    public String toString() {
        return "DisniDevice[" + attributes.name() + "]";
    }
}
