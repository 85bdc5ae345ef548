package io.frwr.bench;

import io.frwr.actors.Direction;
import io.frwr.actors.Handle;
import io.frwr.frwr.ChunkPlan;
import io.frwr.frwr.FrwrMapper;
import io.frwr.frwr.KeyByte;
import io.frwr.frwr.MrEvent;
import io.frwr.frwr.MrState;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RKey;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WorkCompletion;
import io.frwr.verbs.sim.SimDevice;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor for the FRWR cycle: the same FRWR logic the QueuePair actor runs (FrwrMapper, KeyByte,
 * MrState) and the same verbs, on one thread, with no actors, messages or send-queue bookkeeping.
 *
 * <p>One {@link #cycle} is: acquire an MR, plan the chunk, bump the key byte, mark VALID, post FAST_REG
 * (unsignaled); the responder RDMA WRITEs the chunk; mark INVALID, post LOCAL_INV (signaled) and give the MR
 * back at once (the seed); return only when the LOCAL_INV completed (the fence before the caller's buffer
 * may be reused). Not thread-safe.
 */
public final class DirectFrwrEngine {
    /** Hang guard for the LOCAL_INV completion; with zero costs it completes inside postSend. */
    private static final long COMPLETION_GUARD_NANOS = 10_000_000_000L;

    /** One MR and its FRWR state, as the requester believes it. */
    private static final class EngineMr {
        final FastRegMr mr;
        MrState state = MrState.INVALID;

        EngineMr(FastRegMr mr) {
            this.mr = mr;
        }
    }

    private final FrwrMapper mapper;
    private final ArrayDeque<EngineMr> free = new ArrayDeque<>();
    private final QueuePair qp;
    private final CompletionQueue cq;
    private final PeerWriter peer;
    private final List<WorkCompletion> wcs = new ArrayList<>(4);
    private long nextWrId = 1;

    private DirectFrwrEngine(FrwrMapper mapper, QueuePair qp, CompletionQueue cq, PeerWriter peer) {
        this.mapper = mapper;
        this.qp = qp;
        this.cq = cq;
        this.peer = peer;
    }

    /** Connects {@code pair}'s client to its responder and allocates {@code poolSize} MRs. */
    public static DirectFrwrEngine connect(SimPair pair, int poolSize, int maxChunkBytes) throws Exception {
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + poolSize);
        }
        final SimDevice client = pair.client();
        final ProtectionDomain pd = client.allocPd();
        final CompletionQueue cq = client.createCq(1024);
        final CompletableFuture<QueuePair> established = new CompletableFuture<>();
        client.connectionManager().connect(SimPair.SERVER, new ConnectParams(pd, cq, cq, 256, 1, null,
                Duration.ofSeconds(5)), ev -> {
                    if (ev instanceof CmEvent.Established e) {
                        established.complete(e.qp());
                    } else if (!(ev instanceof CmEvent.Disconnected)) {
                        established.completeExceptionally(new IllegalStateException("connect failed: " + ev));
                    }
                });
        final QueuePair qp = established.get(30, TimeUnit.SECONDS);
        final FrwrMapper mapper = FrwrMapper.forDevice(client.attributes(), 256);
        final DirectFrwrEngine engine = new DirectFrwrEngine(mapper, qp, cq, new PeerWriter(pair, maxChunkBytes));
        for (int i = 0; i < poolSize; i++) {
            engine.free.addLast(new EngineMr(pd.allocFastRegMr(mapper.maxDepth())));
        }
        return engine;
    }

    /** One whole FRWR cycle for a chunk the peer writes; returns the rkey it used. */
    public int cycle(Segment chunk) {
        final EngineMr m = free.pollFirst();
        if (m == null) {
            throw new IllegalStateException("no MR free: the direct engine holds one MR at a time");
        }
        if (!m.state.canFastRegister()) {
            throw new IllegalStateException("MR " + RKey.format(m.mr.rkey()) + " is " + m.state + " at acquire");
        }
        final List<ChunkPlan> plans = mapper.plan(List.of(chunk));
        if (plans.size() != 1) {
            throw new IllegalArgumentException("the direct engine maps one MR per chunk; " + chunk.length()
                    + " bytes need " + plans.size());
        }
        final ChunkPlan plan = plans.get(0);
        final int rkey = KeyByte.bump(m.mr.rkey());
        m.mr.updateKey(RKey.keyByte(rkey));
        m.state = MrState.next(m.state, MrEvent.MAP);
        post(new SendWr.FastReg(nextWrId++, false, m.mr, plan.pageList(), rkey, Direction.PEER_WRITES.access()));
        peer.write(new Handle(rkey, plan.length(), plan.iova()));
        m.state = MrState.next(m.state, MrEvent.UNMAP);
        final long invId = nextWrId++;
        post(new SendWr.LocalInv(invId, true, rkey));
        free.addLast(m);
        awaitLocalInv(invId);
        return rkey;
    }

    private void post(SendWr wr) {
        try {
            qp.postSend(wr);
        } catch (PostSendException e) {
            throw new IllegalStateException(wr.opcode() + " not posted: " + e.getMessage(), e);
        }
    }

    private void awaitLocalInv(long wrId) {
        final long deadline = System.nanoTime() + COMPLETION_GUARD_NANOS;
        wcs.clear();
        while (cq.poll(wcs, 1) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no LOCAL_INV completion in 10 s");
            }
            Thread.onSpinWait();
        }
        final WorkCompletion wc = wcs.get(0);
        if (!wc.status().isSuccess() || wc.wrId() != wrId) {
            throw new IllegalStateException("LOCAL_INV #" + wrId + " completed as " + wc);
        }
    }

    /** MRs on the free list (all of them between cycles). */
    public int freeCount() {
        return free.size();
    }

    public void close() {
        qp.disconnect();
    }
}
