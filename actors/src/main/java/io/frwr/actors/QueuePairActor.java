package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.frwr.config.AcquireMode;
import io.frwr.config.TransportSettings;
import io.frwr.frwr.ChunkPlan;
import io.frwr.frwr.FrwrMapper;
import io.frwr.frwr.KeyByte;
import io.frwr.frwr.MrEvent;
import io.frwr.frwr.MrState;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RKey;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only poster of work requests. It outlives connections: each connection attaches a fresh QP, and
 * whatever was in flight when a QP broke is settled here, so no reply (and no MR) is ever lost to a
 * stopped actor.
 *
 * <h2>Normal operation</h2>
 * Register plans the chunks (FRWR mapping), acquires one MR per chunk from the pool, bumps each MR's key
 * byte, marks it VALID and posts the FAST_REGs as one chain; the handles go back as soon as the post
 * succeeded, since send-queue order runs the FAST_REGs before any later SEND that advertises them.
 * Invalidate marks each MR INVALID, posts the LOCAL_INVs as one chain with the last one signaled and gives
 * the MRs back to the pool right after the post, as the seed does; send-queue order keeps a later FAST_REG
 * of the same MR behind its LOCAL_INV. The caller hears back only when the signaled LOCAL_INV completed.
 *
 * <h2>Send-queue accounting</h2>
 * Every WR takes a slot until a completion at or after it arrives, so a WR is signaled every
 * {@code signal-interval} posts; requests that do not fit wait in order.
 *
 * <h2>Transport recovery</h2>
 * An error completion, a flush or a disconnect stops posting and drains: the QP goes to ERROR and every
 * outstanding WR flushes; a flushed FAST_REG or LOCAL_INV leaves its MR STALE (the hardware state is
 * unknown), and a caller waiting on a flushed LOCAL_INV is released only when recovery deregistered the
 * MR. Once nothing is outstanding (or the drain timeout passed), the Connection is told, which fails so
 * that its supervisor's backoff restart is the reconnect; the pool applies the recovery strategy before
 * the next QP may map. Requests wait for the next connection, bounded by request-wait; invalidations do
 * not wait: with no QP, the MRs are fenced by deregistering them.
 *
 * <h2>Answers</h2>
 * Every Invalidate of one registration is answered together, when its fence completes (from whichever thread
 * completes it, so an answer never depends on this actor still running); a registration of another transport
 * is refused, and the caller's word that the peer invalidated an rkey counts only if a received SEND_WITH_INV
 * named it. A QP of a retired protection domain (an MR in it could not be deregistered) is dropped, and one
 * that connects late is refused, so the stuck MR's memory ends out of every peer's reach (docs/safety.md).
 */
final class QueuePairActor extends AbstractBehavior<QueuePairActor.Command> {
    interface Command { }

    /**
     * A connection is up; {@code pdGeneration} is the protection domain its QP was created in. Its receives are
     * posted already, by the connection's CM callback ({@link #postInitialReceives}): the peer may SEND as soon as it
     * hears Established, and a SEND that finds no receive breaks the QP.
     */
    record Attach(long epoch, QueuePair qp, byte[] privateData, ActorRef<Connection.Command> connection,
                  int pdGeneration) implements Command { }

    /**
     * The protection domain of generation {@code generation} is retired (an MR in it could not be
     * deregistered): a QP of it must not stay up, so the connection is dropped and remade in the new PD.
     */
    record RetirePd(int generation, String reason) implements Command { }

    record QpFailed(long epoch, String reason) implements Command { }

    record CqReady(long epoch) implements Command { }

    /** No more connections: requests end with {@code kind} (NOT_CONNECTED, or TRANSPORT_FAILED if a child died). */
    record GiveUp(String reason, TransportError.Kind kind) implements Command { }

    record Stop(ActorRef<Stopped> replyTo) implements Command { }

    record Stopped() { }

    /**
     * Stop now. The transport sends it after Stopped, behind every request it forwarded before, so none of
     * those is lost to a stopped actor: each is answered (STOPPED) first.
     */
    record Terminate() implements Command { }

    private record PoolReply(MrPool.AcquireReply reply) implements Command { }

    private record PoolSettled(MrPool.DrainSettled settled) implements Command { }

    private record ParkExpired(long id) implements Command { }

    private record DrainTimeout(long epoch) implements Command { }

    private enum Mode { DETACHED, UP, DRAINING, SETTLING, GAVE_UP }

    private static final long RECV_BIT = 1L << 63;
    private static final long DRAIN_MARKER_BIT = 1L << 62;
    private static final int EPOCH_SHIFT = 40;
    private static final long SEQ_MASK = (1L << EPOCH_SHIFT) - 1;
    private static final int POLL_BATCH = 64;

    private record RegisterJob(RdmaTransport.Register request, List<List<ChunkPlan>> plans, int chunks) {
        /** Send-queue slots the job takes: its FAST_REGs, and the SEND when it carries a message. */
        int wrs() {
            return chunks + (request.message() != null ? 1 : 0);
        }
    }

    private sealed interface Blocked permits BlockedRegister, BlockedInvalidate, BlockedSend { }

    private record BlockedRegister(RegisterJob job, List<PooledMr> mrs) implements Blocked { }

    private record BlockedInvalidate(List<MappedMr> toPost, Fence fence, List<MappedMr> releaseNow)
            implements Blocked { }

    private record BlockedSend(RdmaTransport.Send request) implements Blocked { }

    private final TransportSettings settings;
    private final TransportCounters counters;
    private final TransportEvents events;
    private final ActorRef<MrPool.Command> pool;
    private final FrwrMapper mapper;
    private final DmaBuffer[] recvBuffers;
    private final int poolSize;
    private final TimerScheduler<Command> timers;
    private final ActorRef<MrPool.AcquireReply> poolAdapter;
    private final ActorRef<MrPool.DrainSettled> settleAdapter;
    private final List<ActorRef<RdmaTransport.Inbound>> subscribers = new ArrayList<>();
    /**
     * Messages that arrived before anyone subscribed (the peer may SEND the moment it is connected, before the
     * user's Subscribe got here): the first subscriber gets them, after ConnectionUp. At most one receive queue's
     * worth; beyond that they are dropped and logged.
     */
    private final List<RdmaTransport.Received> unheard = new ArrayList<>();
    private final LinkedHashMap<Long, Command> parked = new LinkedHashMap<>();
    private final Map<Long, RegisterJob> acquiring = new HashMap<>();
    private final ArrayDeque<Blocked> blocked = new ArrayDeque<>();
    private final ArrayList<WorkCompletion> wcs = new ArrayList<>(POLL_BATCH);
    /** Registrations handed out and not yet given to Invalidate, by id: the calls holding MRs. */
    private final Map<Long, Registration> handedOut = new HashMap<>();
    /** Invalidations not yet answered (and some answered ones, swept lazily), by registration id. */
    private final Map<Long, Invalidation> invalidations = new HashMap<>();
    private int sweepInvalidationsAt = 1024;
    /** Rkeys a received SEND_WITH_INV invalidated: the only ones afterRemoteInvalidation may trust. */
    private final java.util.Set<Integer> remotelyInvalidated = new java.util.HashSet<>();
    private final List<BlockedInvalidate> fenceAfterDrain = new ArrayList<>();

    private Mode mode = Mode.DETACHED;
    private boolean polling;
    private byte[] peerPrivateData = new byte[0];
    private QueuePair qp;
    private long epoch;
    private ActorRef<Connection.Command> connection;
    private SendQueueAccounting sq;
    private WrSlot[] ring;
    private Attach pendingAttach;
    private String gaveUpReason;
    private TransportError.Kind gaveUpKind = TransportError.Kind.NOT_CONNECTED;
    private int qpPdGeneration;
    private ActorRef<Stopped> stopReplyTo;
    private boolean stopping;
    /** GiveUp came before Stop (a passive connection ended, then its transport shut down): its reason stands. */
    private boolean gaveUpFirst;
    private long nextId = 1;
    private final Object token;
    private final io.frwr.verbs.RdmaDevice device;
    private final ProtectionDomains pds;

    /**
     * {@code token} identifies the transport in its registrations; {@code device} decides whose memory may be
     * registered; {@code pds} says which protection domain is current.
     */
    static Behavior<Command> create(TransportSettings settings, TransportCounters counters, TransportEvents events,
                                    ActorRef<MrPool.Command> pool, FrwrMapper mapper, DmaBuffer[] recvBuffers,
                                    Object token, io.frwr.verbs.RdmaDevice device, ProtectionDomains pds) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new QueuePairActor(ctx, timers, settings, counters, events, pool, mapper, recvBuffers, token, device,
                        pds)));
    }

    private QueuePairActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, TransportSettings settings,
                           TransportCounters counters, TransportEvents events, ActorRef<MrPool.Command> pool,
                           FrwrMapper mapper, DmaBuffer[] recvBuffers, Object token, io.frwr.verbs.RdmaDevice device,
                           ProtectionDomains pds) {
        super(ctx);
        this.token = token;
        this.device = device;
        this.pds = pds;
        this.timers = timers;
        this.settings = settings;
        this.counters = counters;
        this.events = events;
        this.pool = pool;
        this.mapper = mapper;
        this.recvBuffers = recvBuffers;
        this.poolSize = settings.mrPool().size();
        this.poolAdapter = ctx.messageAdapter(MrPool.AcquireReply.class, PoolReply::new);
        this.settleAdapter = ctx.messageAdapter(MrPool.DrainSettled.class, PoolSettled::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RdmaTransport.Register.class, this::onRegister)
                .onMessage(RdmaTransport.Invalidate.class, this::onInvalidate)
                .onMessage(RdmaTransport.Send.class, this::onSend)
                .onMessage(RdmaTransport.Subscribe.class, m -> {
                    subscribers.add(m.subscriber());
                    if (mode == Mode.UP) {
                        m.subscriber().tell(new RdmaTransport.ConnectionUp(epoch, peerPrivateData));
                    }
                    unheard.forEach(m.subscriber()::tell);
                    unheard.clear();
                    return this;
                })
                .onMessage(PoolReply.class, this::onPoolReply)
                .onMessage(CqReady.class, this::onCqReady)
                .onMessage(Attach.class, this::onAttach)
                .onMessage(QpFailed.class, m -> {
                    if (m.epoch() == epoch) {
                        startDrain(m.reason());
                    }
                    return this;
                })
                .onMessage(DrainTimeout.class, m -> {
                    if (m.epoch() == epoch && mode == Mode.DRAINING) {
                        finishDrain(true);
                    }
                    return this;
                })
                .onMessage(PoolSettled.class, this::onPoolSettled)
                .onMessage(ParkExpired.class, this::onParkExpired)
                .onMessage(RetirePd.class, this::onRetirePd)
                .onMessage(GiveUp.class, m -> {
                    gaveUpFirst |= !stopping;
                    gaveUpReason = m.reason();
                    gaveUpKind = m.kind();
                    if (m.kind() == TransportError.Kind.TRANSPORT_FAILED) {
                        failAcquiring(m.reason()); // the pool that would have answered them is gone
                    }
                    if (mode == Mode.SETTLING && m.kind() == TransportError.Kind.TRANSPORT_FAILED) {
                        mode = Mode.DETACHED; // the pool that would have settled the drain is gone
                    }
                    if (mode == Mode.DETACHED || mode == Mode.UP) {
                        if (mode == Mode.UP) {
                            qp.disconnect();
                            startDrain("giving up: " + m.reason());
                        } else {
                            enterGaveUp();
                        }
                    }
                    return this;
                })
                .onMessage(Stop.class, this::onStop)
                .onMessage(Terminate.class, m -> Behaviors.stopped())
                .onSignal(akka.actor.typed.PostStop.class, sig -> {
                    if (qp != null) {
                        qp.disconnect(); // never leave a QP up that could reach registered memory
                    }
                    return this;
                })
                .build();
    }

    // ---- Register -------------------------------------------------------------------------------------

    private Behavior<Command> onRegister(RdmaTransport.Register r) {
        if (r.epoch() != 0 && (mode != Mode.UP || r.epoch() != epoch)) {
            // Its message was built for a connection that is gone: nothing of it may go out on another.
            failRegister(r, TransportError.Kind.CONNECTION_LOST, "the request was built for connection " + r.epoch()
                    + ", which is gone");
            return this;
        }
        if (mode != Mode.UP) {
            park(r);
            return this;
        }
        final List<List<ChunkPlan>> plans = new ArrayList<>(r.chunks().size());
        int chunks = 0;
        try {
            if (r.chunks().isEmpty()) {
                throw new IllegalArgumentException("a registration needs at least one chunk");
            }
            for (int i = 0; i < r.chunks().size(); i++) {
                for (io.frwr.verbs.Segment seg : r.chunks().get(i).segments()) {
                    if (!device.maps(seg.buffer())) {
                        throw new IllegalArgumentException("chunk " + i + " has memory mapped by another device ("
                                + seg.buffer().owner() + "), not by " + device.attributes().name()
                                + ": only memory this transport's device mapped can be registered");
                    }
                }
                final List<ChunkPlan> p = mapper.plan(r.chunks().get(i).segments());
                plans.add(p);
                chunks += p.size();
            }
        } catch (IllegalArgumentException e) {
            failRegister(r, TransportError.Kind.BAD_REQUEST, e.getMessage());
            return this;
        }
        final boolean batch = settings.mrPool().acquireMode() == AcquireMode.BATCH;
        final int limit = batch ? settings.mrPool().batchSize() : poolSize;
        final int wrs = chunks + (r.message() != null ? 1 : 0);
        if (chunks > limit || wrs > sq.largestRequest()) {
            failRegister(r, TransportError.Kind.BAD_REQUEST, "the segments need " + chunks + " MRs; at most "
                    + Math.min(limit, sq.largestRequest()) + " fit one registration (pool size " + poolSize
                    + (batch ? ", batch size " + limit : "") + ", send-queue slots " + sq.largestRequest() + ")");
            return this;
        }
        final long corr = nextId++;
        acquiring.put(corr, new RegisterJob(r, plans, chunks));
        pool.tell(new MrPool.Acquire(corr, batch ? limit : chunks, poolAdapter));
        return this;
    }

    private Behavior<Command> onPoolReply(PoolReply m) {
        if (m.reply() instanceof MrPool.AcquireRefused refused) {
            final RegisterJob job = acquiring.remove(refused.correlation());
            failRegister(job.request(), TransportError.Kind.NO_MR_FREE, refused.reason());
        } else if (m.reply() instanceof MrPool.Acquired got) {
            final RegisterJob job = acquiring.remove(got.correlation());
            if (mode != Mode.UP) {
                // Untouched, still INVALID: back to the pool, and the request waits for the next QP.
                pool.tell(MrPool.Release.unmapped(got.mrs()));
                park(job.request());
            } else if (!blocked.isEmpty() || !sq.fits(job.wrs())) {
                counters.increment(TransportCounter.SQ_FULL_WAITS);
                blocked.addLast(new BlockedRegister(job, got.mrs()));
            } else {
                postRegister(job, got.mrs());
            }
        }
        maybeStopped();
        return this;
    }

    private void postRegister(RegisterJob job, List<PooledMr> mrs) {
        final List<SendWr> chain = new ArrayList<>(job.wrs());
        final List<MappedMr> mapped = new ArrayList<>(job.chunks());
        final List<List<Handle>> handles = new ArrayList<>(job.plans().size());
        final long firstSeq = sq.posted() + 1;
        final boolean rkeyAtCompletion = anyRkeyChosenAtRegistration(mrs);
        int next = 0;
        for (int c = 0; c < job.plans().size(); c++) {
            final int access = job.request().chunks().get(c).direction().access();
            final List<Handle> chunkHandles = new ArrayList<>(job.plans().get(c).size());
            for (ChunkPlan plan : job.plans().get(c)) {
                final PooledMr p = mrs.get(next++);
                final FastRegMr mr = p.mr();
                final int rkey = KeyByte.bump(mr.rkey());
                mr.updateKey(RKey.keyByte(rkey));
                p.apply(MrEvent.MAP);
                remotelyInvalidated.remove(rkey); // a new registration: an old SEND_WITH_INV of this rkey says nothing
                final MappedMr m = new MappedMr(p, p.generation(), rkey);
                final long seq = sq.take();
                final WrSlot slot = slot(seq);
                slot.opcode = Opcode.FAST_REG;
                slot.mr = m;
                chain.add(new SendWr.FastReg(wrId(seq), sq.signal(seq, rkeyAtCompletion), mr, plan.pageList(), rkey,
                        access));
                mapped.add(m);
                chunkHandles.add(new Handle(rkey, plan.length(), plan.iova()));
            }
            handles.add(chunkHandles);
        }
        final List<MappedMr> reserved = MappedMr.unmapped(mrs.subList(next, mrs.size()));
        final RdmaTransport.Register req = job.request();
        Registration built = null;
        if (req.message() != null && !rkeyAtCompletion) {
            built = new Registration(token, nextId++, List.copyOf(handles), mapped, reserved);
            if (!appendSend(chain, built, req, firstSeq, mapped)) {
                return;
            }
        }
        try {
            qp.postSend(chain);
        } catch (PostSendException e) {
            counters.increment(TransportCounter.POST_FAILURES);
            final int k = Math.min(e.failedIndex(), mapped.size());
            final boolean qpUp = e.errno() != Errno.ENOTCONN;
            for (int i = 0; i < mapped.size(); i++) {
                final WrSlot slot = slot(firstSeq + i);
                if (i < k) {
                    // Posted: it will execute or flush. On a dead QP the flush retires it and the MR is recovered;
                    // on a live one nothing later may be signaled, so it is unmapped below like any registration.
                    slot.recoverOnRetire = !qpUp;
                } else {
                    slot.clear();
                    final MappedMr m = mapped.get(i);
                    m.mr().apply(MrEvent.POST_FAILED);
                    pool.tell(new MrPool.Recover(m.mr(), m.generation(), "FAST_REG post failed: " + e.errno()));
                }
            }
            if (chain.size() > mapped.size()) {
                slot(firstSeq + mapped.size()).clear(); // the SEND never went out
            }
            sq.unpostFrom(firstSeq + k);
            if (!reserved.isEmpty()) {
                pool.tell(new MrPool.Release(reserved));
            }
            if (qpUp && k > 0) {
                // Never handed out, so nobody will invalidate it: post the LOCAL_INVs now (the last one signaled,
                // so the FAST_REGs before it retire too) and the MRs go back to the pool as after any unmap.
                unmapNeverHandedOut(mapped.subList(0, k));
            }
            failRegister(job.request(), TransportError.Kind.POST_FAILED, e.getMessage());
            if (e.errno() == Errno.ENOTCONN) {
                startDrain("post_send: " + e.getMessage());
            }
            return;
        }
        if (built != null) {
            counters.increment(TransportCounter.SENDS);
        }
        if (rkeyAtCompletion) {
            final PendingRegistration pr = new PendingRegistration(job.request(), handles, mapped, reserved);
            for (int i = 0; i < mapped.size(); i++) {
                slot(firstSeq + i).pendingRegistration = pr;
            }
            return; // answered when the last FAST_REG completed, with the rkeys the provider chose
        }
        counters.increment(TransportCounter.REGISTRATIONS);
        counters.add(TransportCounter.CHUNKS_REGISTERED, mapped.size());
        if (events.active()) {
            for (MappedMr m : mapped) {
                events.publish(new TransportEvent.MrRegistered(m.mr().slot(), m.rkey()));
            }
        }
        final Registration reg = built != null ? built
                : new Registration(token, nextId++, List.copyOf(handles), mapped, reserved);
        handedOut(reg);
        job.request().replyTo().tell(new RdmaTransport.Registered(job.request().cookie(), reg));
    }

    private void unmapNeverHandedOut(List<MappedMr> posted) {
        final List<MappedMr> toPost = new ArrayList<>(posted);
        final Fence nobodyWaits = new Fence(toPost.size(), () -> { });
        if (!blocked.isEmpty() || !sq.fits(toPost.size())) {
            blocked.addLast(new BlockedInvalidate(toPost, nobodyWaits, List.of()));
        } else {
            postInvalidate(toPost, nobodyWaits, List.of());
        }
    }

    /**
     * Builds the message that advertises {@code reg} and appends its SEND to the FAST_REG chain. If the
     * builder fails, nothing has been posted: the MRs go back INVALID (only the software key byte moved)
     * and the request fails with the builder's message. Returns false then.
     */
    private boolean appendSend(List<SendWr> chain, Registration reg, RdmaTransport.Register req, long firstSeq,
                               List<MappedMr> mapped) {
        final List<io.frwr.verbs.Segment> sgl;
        try {
            sgl = req.message().build(reg);
        } catch (RuntimeException e) {
            for (int i = 0; i < mapped.size(); i++) {
                slot(firstSeq + i).clear();
                mapped.get(i).mr().apply(MrEvent.UNMAP);
            }
            sq.unpostFrom(firstSeq);
            final List<MappedMr> back = new ArrayList<>(mapped);
            back.addAll(reg.reserved);
            pool.tell(new MrPool.Release(back));
            failRegister(req, TransportError.Kind.BAD_REQUEST, "building the message failed: " + e.getMessage());
            return false;
        }
        final long seq = sq.take();
        final WrSlot slot = slot(seq);
        slot.opcode = Opcode.SEND;
        slot.sendReplyTo = req.sendReplyTo();
        slot.cookie = req.cookie();
        chain.add(new SendWr.Send(wrId(seq), sq.signal(seq, req.sendReplyTo() != null), sgl));
        return true;
    }

    private void handedOut(Registration reg) {
        handedOut.put(reg.id(), reg);
        counters.max(TransportCounter.MAX_REGISTRATIONS_IN_FLIGHT, handedOut.size());
    }

    private static boolean anyRkeyChosenAtRegistration(List<PooledMr> mrs) {
        for (PooledMr p : mrs) {
            if (p.mr().rkeyChosenAtRegistration()) {
                return true;
            }
        }
        return false;
    }

    /** One FAST_REG of a registration whose rkeys the provider chooses has completed (or failed). */
    private void pendingRegistrationStep(PendingRegistration pr, String failure) {
        if (!pr.completed(failure)) {
            return;
        }
        if (pr.failure() == null) {
            final List<MappedMr> installed = pr.installed();
            final Registration reg = new Registration(token, nextId++, PendingRegistration.withRkeys(pr.plannedHandles,
                    installed), installed, pr.reserved);
            final RdmaTransport.Register req = pr.request;
            List<io.frwr.verbs.Segment> sgl = null;
            if (req.message() != null) {
                // The rkeys exist only now: the message is built and sent after the FAST_REGs, not chained.
                try {
                    sgl = req.message().build(reg);
                } catch (RuntimeException e) {
                    pr.failed("building the message failed: " + e.getMessage());
                    recoverNeverHandedOut(pr, TransportError.Kind.BAD_REQUEST);
                    return;
                }
            }
            counters.increment(TransportCounter.REGISTRATIONS);
            counters.add(TransportCounter.CHUNKS_REGISTERED, installed.size());
            handedOut(reg);
            req.replyTo().tell(new RdmaTransport.Registered(req.cookie(), reg));
            if (sgl != null) {
                // After the reply, so that a SEND reply never reaches the caller before its Registered.
                onSend(new RdmaTransport.Send(sgl, req.cookie(), req.sendReplyTo(), req.epoch()));
            }
            return;
        }
        recoverNeverHandedOut(pr, TransportError.Kind.CONNECTION_LOST);
    }

    /** Never handed out: nobody will invalidate it, so its MRs go to recovery (no WR on them is pending now). */
    private void recoverNeverHandedOut(PendingRegistration pr, TransportError.Kind kind) {
        for (MappedMr m : pr.mapped) {
            pool.tell(new MrPool.Recover(m.mr(), m.generation(), "registration failed: " + pr.failure()));
        }
        if (!pr.reserved.isEmpty()) {
            pool.tell(new MrPool.Release(pr.reserved));
        }
        failRegister(pr.request, kind, kind == TransportError.Kind.CONNECTION_LOST ? "FAST_REG " + pr.failure()
                : pr.failure());
    }

    private void failRegister(RdmaTransport.Register r, TransportError.Kind kind, String message) {
        if (kind == TransportError.Kind.BAD_REQUEST) {
            counters.increment(TransportCounter.BAD_REQUESTS);
        }
        r.replyTo().tell(new RdmaTransport.RegisterFailed(r.cookie(), new TransportError(kind, message)));
    }

    // ---- Invalidate -----------------------------------------------------------------------------------

    private Behavior<Command> onInvalidate(RdmaTransport.Invalidate m) {
        final Registration reg = m.registration();
        if (!reg.madeBy(token)) {
            counters.increment(TransportCounter.BAD_REQUESTS);
            m.replyTo().tell(new RdmaTransport.Invalidated(reg, false, new TransportError(TransportError.Kind.BAD_REQUEST,
                    reg + " was made by another transport; nothing was invalidated")));
            return this;
        }
        final Invalidation running = invalidations.get(reg.id());
        if (getContext().getLog().isDebugEnabled()) {
            getContext().getLog().debug("invalidate {} in {}: {}", reg, mode, running != null ? "already running"
                    : handedOut.containsKey(reg.id()) ? "held" : "answered before");
        }
        if (running != null) {
            running.answer(m.replyTo()); // the same answer as the first, when the first gets it
            return this;
        }
        if (!handedOut.containsKey(reg.id())) {
            // Made here, neither held nor being invalidated: its invalidation was answered, fenced, before.
            m.replyTo().tell(new RdmaTransport.Invalidated(reg, true));
            return this;
        }
        if (mode == Mode.DRAINING || mode == Mode.SETTLING) {
            park(m); // settled soon: then fenced by deregistration or posted on the next QP
            return this;
        }
        handedOut.remove(reg.id());
        if (poolGone()) {
            // No QP is open and none will be (the transport stopped its connection): nothing reaches the memory.
            m.replyTo().tell(new RdmaTransport.Invalidated(reg, true));
            return this;
        }
        final Invalidation inv = new Invalidation(reg);
        inv.answer(m.replyTo());
        if (invalidations.size() >= sweepInvalidationsAt) {
            invalidations.values().removeIf(Invalidation::answered);
            sweepInvalidationsAt = Math.max(1024, 2 * invalidations.size());
        }
        invalidations.put(reg.id(), inv);
        final Fence fence = new Fence(reg.mapped.size(), inv::fenced);
        final List<MappedMr> toPost = new ArrayList<>(reg.mapped.size());
        final List<MappedMr> releaseNow = new ArrayList<>(reg.reserved);
        for (MappedMr mm : reg.mapped) {
            final PooledMr p = mm.mr();
            // Trust only an rkey a received SEND_WITH_INV named, never the caller's word for it.
            final boolean remote = m.remoteInvalidation() && mm.rkey() == m.remotelyInvalidatedRkey()
                    && remotelyInvalidated.contains(mm.rkey());
            remotelyInvalidated.remove(mm.rkey());
            if (p.generation() != mm.generation()) {
                counters.increment(TransportCounter.FENCED_BY_RECOVERY);
                fence.countDown();
            } else if (remote && p.state() == MrState.VALID) {
                p.apply(MrEvent.REMOTE_INVALIDATED);
                counters.increment(TransportCounter.REMOTE_INVALIDATIONS);
                if (events.active()) {
                    events.publish(new TransportEvent.MrInvalidated(p.slot(), mm.rkey(), true));
                }
                releaseNow.add(mm);
                fence.countDown();
            } else if (p.state() == MrState.VALID && mode == Mode.UP) {
                if (m.remoteInvalidation() && mm.rkey() == m.remotelyInvalidatedRkey()) {
                    counters.increment(TransportCounter.REMOTE_INVALIDATIONS_UNCONFIRMED);
                }
                toPost.add(mm);
            } else {
                // STALE (its FAST_REG flushed), or no QP to post on: only deregistration fences it.
                fenceByRecovery(mm, fence, p.state() == MrState.VALID ? "invalidated while disconnected"
                        : "invalidate found " + p.state());
            }
        }
        if (toPost.isEmpty()) {
            if (!releaseNow.isEmpty()) {
                pool.tell(new MrPool.Release(releaseNow));
            }
        } else if (!blocked.isEmpty() || !sq.fits(toPost.size())) {
            counters.increment(TransportCounter.SQ_FULL_WAITS);
            blocked.addLast(new BlockedInvalidate(toPost, fence, releaseNow));
        } else {
            postInvalidate(toPost, fence, releaseNow);
        }
        return this;
    }

    /**
     * One registration's invalidation. Every Invalidate of the registration is answered when its fence
     * completes, from whichever thread completes it (a LOCAL_INV completion here, a deregistration on a
     * recovery thread), so an answer never waits for this actor and is not lost if it has stopped.
     */
    private static final class Invalidation {
        private final Registration reg;
        private List<ActorRef<RdmaTransport.Invalidated>> waiting = new ArrayList<>(1);
        private boolean answered;

        Invalidation(Registration reg) {
            this.reg = reg;
        }

        void answer(ActorRef<RdmaTransport.Invalidated> replyTo) {
            synchronized (this) {
                if (!answered) {
                    waiting.add(replyTo);
                    return;
                }
            }
            replyTo.tell(new RdmaTransport.Invalidated(reg, true));
        }

        void fenced() {
            final List<ActorRef<RdmaTransport.Invalidated>> w;
            synchronized (this) {
                if (answered) {
                    return;
                }
                answered = true;
                w = waiting;
                waiting = List.of();
            }
            final RdmaTransport.Invalidated done = new RdmaTransport.Invalidated(reg, true);
            for (ActorRef<RdmaTransport.Invalidated> r : w) {
                r.tell(done);
            }
        }

        synchronized boolean answered() {
            return answered;
        }
    }

    private void fenceByRecovery(MappedMr mm, Fence fence, String reason) {
        counters.increment(TransportCounter.FENCED_BY_RECOVERY);
        getContext().getLog().debug("fencing {} by recovery: {}", mm.mr(), reason);
        mm.mr().fenceOnDeregistration(fence, mm.generation());
        pool.tell(new MrPool.Recover(mm.mr(), mm.generation(), reason));
    }

    private void postInvalidate(List<MappedMr> toPost, Fence fence, List<MappedMr> releaseNow) {
        final List<SendWr> chain = new ArrayList<>(toPost.size());
        final long firstSeq = sq.posted() + 1;
        for (int i = 0; i < toPost.size(); i++) {
            final MappedMr mm = toPost.get(i);
            // INVALID before the post, as the seed does: the MR may go back to the pool at once.
            mm.mr().apply(MrEvent.UNMAP);
            final long seq = sq.take();
            final WrSlot slot = slot(seq);
            slot.opcode = Opcode.LOCAL_INV;
            slot.mr = mm;
            slot.fence = fence;
            chain.add(new SendWr.LocalInv(wrId(seq), sq.signal(seq, i == toPost.size() - 1), mm.rkey()));
        }
        int posted = toPost.size();
        try {
            qp.postSend(chain);
        } catch (PostSendException e) {
            counters.increment(TransportCounter.POST_FAILURES);
            posted = e.failedIndex();
            for (int i = posted; i < toPost.size(); i++) {
                slot(firstSeq + i).clear();
                final MappedMr mm = toPost.get(i);
                mm.mr().apply(MrEvent.POST_FAILED);
                fenceByRecovery(mm, fence, "LOCAL_INV post failed: " + e.errno());
            }
            sq.unpostFrom(firstSeq + posted);
            // The last posted LOCAL_INV may be unsignaled now: nothing is lost, a later signaled WR or the
            // flush at a reconnect retires it.
            if (e.errno() == Errno.ENOTCONN) {
                startDrain("post_send: " + e.getMessage());
            }
        }
        counters.add(TransportCounter.LOCAL_INV_NEEDED, posted);
        final List<MappedMr> back = new ArrayList<>(releaseNow);
        back.addAll(toPost.subList(0, posted));
        if (!back.isEmpty()) {
            pool.tell(new MrPool.Release(back));
        }
    }

    // ---- Send -----------------------------------------------------------------------------------------

    private Behavior<Command> onSend(RdmaTransport.Send s) {
        if (s.epoch() != 0 && (mode != Mode.UP || s.epoch() != epoch)) {
            // Written for a connection that is gone: its rkeys may be dead, so it must not go out on another.
            if (s.replyTo() != null) {
                s.replyTo().tell(new RdmaTransport.SendFailed(s.cookie(), new TransportError(
                        TransportError.Kind.CONNECTION_LOST, "the message was built for connection " + s.epoch()
                        + ", which is gone")));
            }
            return this;
        }
        if (mode != Mode.UP) {
            park(s);
        } else if (!blocked.isEmpty() || !sq.fits(1)) {
            counters.increment(TransportCounter.SQ_FULL_WAITS);
            blocked.addLast(new BlockedSend(s));
        } else {
            postSend(s);
        }
        return this;
    }

    private void postSend(RdmaTransport.Send s) {
        final long seq = sq.take();
        final WrSlot slot = slot(seq);
        slot.opcode = Opcode.SEND;
        slot.sendReplyTo = s.replyTo();
        slot.cookie = s.cookie();
        try {
            qp.postSend(new SendWr.Send(wrId(seq), sq.signal(seq, s.replyTo() != null), s.sgl()));
            counters.increment(TransportCounter.SENDS);
        } catch (PostSendException e) {
            counters.increment(TransportCounter.POST_FAILURES);
            slot.clear();
            sq.unpostFrom(seq);
            if (s.replyTo() != null) {
                s.replyTo().tell(new RdmaTransport.SendFailed(s.cookie(),
                        new TransportError(TransportError.Kind.POST_FAILED, e.getMessage())));
            }
            if (e.errno() == Errno.ENOTCONN) {
                startDrain("post_send: " + e.getMessage());
            }
        }
    }

    private void runBlocked() {
        while (mode == Mode.UP && !blocked.isEmpty()) {
            final Blocked b = blocked.peekFirst();
            final int need = b instanceof BlockedRegister r ? r.job().wrs()
                    : b instanceof BlockedInvalidate i ? i.toPost().size() : 1;
            if (!sq.fits(need)) {
                return;
            }
            blocked.pollFirst();
            if (b instanceof BlockedRegister r) {
                postRegister(r.job(), r.mrs());
            } else if (b instanceof BlockedInvalidate i) {
                postInvalidate(i.toPost(), i.fence(), i.releaseNow());
            } else if (b instanceof BlockedSend s) {
                postSend(s.request());
            }
        }
    }

    // ---- Completions ----------------------------------------------------------------------------------

    private Behavior<Command> onCqReady(CqReady m) {
        if (m.epoch() != epoch || qp == null) {
            return this;
        }
        pollCq();
        return this;
    }

    /** Poll until empty, re-arm, poll once more: a completion may land between the last poll and the arm. */
    private void pollCq() {
        if (polling) {
            return; // called from inside the loop below (a completion started a drain): the loop goes on
        }
        polling = true;
        try {
            pollCqLoop();
        } finally {
            polling = false;
        }
        runBlocked();
        if (mode == Mode.DRAINING && sq.outstanding() == 0) {
            finishDrain(false);
        }
    }

    private void pollCqLoop() {
        final QueuePair q = qp;
        while (q == qp) {
            wcs.clear();
            int n = q.sendCq().poll(wcs, POLL_BATCH);
            if (n == 0) {
                q.sendCq().requestNotify();
                n = q.sendCq().poll(wcs, POLL_BATCH);
                if (n == 0) {
                    break;
                }
            }
            for (int i = 0; i < wcs.size() && q == qp; i++) {
                onCompletion(wcs.get(i));
            }
        }
    }

    private void onCompletion(WorkCompletion wc) {
        final long id = wc.wrId();
        if (((id & ~(RECV_BIT | DRAIN_MARKER_BIT)) >>> EPOCH_SHIFT) != (epoch & 0x7F_FFFF)) {
            return; // a previous connection's completion, already settled by its drain
        }
        if ((id & DRAIN_MARKER_BIT) != 0) {
            // Every WR before the marker that did not flush has executed: retire them as succeeded.
            retireSucceeded(sq.posted());
            return;
        }
        if ((id & RECV_BIT) != 0) {
            onRecvCompletion(wc, (int) (id & SEQ_MASK));
            return;
        }
        final long seq = id & SEQ_MASK;
        if (seq <= sq.retired()) {
            return;
        }
        if (wc.status() == WcStatus.SUCCESS) {
            retireSucceeded(seq);
            return;
        }
        retireSucceeded(seq - 1);
        sq.retireThrough(seq);
        final WrSlot slot = slot(seq);
        failed(slot, wc.status());
        slot.clear();
        if (wc.status() == WcStatus.WR_FLUSH_ERR) {
            counters.increment(TransportCounter.FLUSHES);
        } else {
            counters.increment(TransportCounter.WR_ERRORS);
        }
        startDrain(wc.opcode() + " completed with " + wc.status());
    }

    /** Send-queue order: a completion at {@code seq} means every earlier WR executed. */
    private void retireSucceeded(long through) {
        for (long s = sq.retired() + 1; s <= through; s++) {
            final WrSlot slot = slot(s);
            succeeded(slot);
            slot.clear();
        }
        sq.retireThrough(Math.max(through, sq.retired()));
    }

    private void succeeded(WrSlot slot) {
        if (slot.opcode == Opcode.FAST_REG) {
            if (slot.pendingRegistration != null) {
                pendingRegistrationStep(slot.pendingRegistration, null);
            } else if (slot.recoverOnRetire) {
                pool.tell(new MrPool.Recover(slot.mr.mr(), slot.mr.generation(), "registration failed to post"));
            }
        } else if (slot.opcode == Opcode.LOCAL_INV) {
            if (events.active()) {
                events.publish(new TransportEvent.MrInvalidated(slot.mr.mr().slot(), slot.mr.rkey(), false));
            }
            slot.fence.countDown();
        } else if (slot.opcode == Opcode.SEND && slot.sendReplyTo != null) {
            slot.sendReplyTo.tell(new RdmaTransport.Sent(slot.cookie));
        }
    }

    /** The WR did not execute (flush) or failed: the MR's hardware state is unknown from here on. */
    private void failed(WrSlot slot, WcStatus status) {
        if (slot.opcode == Opcode.FAST_REG || slot.opcode == Opcode.LOCAL_INV) {
            final MappedMr mm = slot.mr;
            mm.mr().applyIfGeneration(mm.generation(),
                    slot.opcode == Opcode.FAST_REG ? MrEvent.FAST_REG_FLUSHED : MrEvent.LOCAL_INV_FLUSHED);
            if (slot.pendingRegistration != null) {
                pendingRegistrationStep(slot.pendingRegistration, "completed with " + status);
            } else if (slot.opcode == Opcode.LOCAL_INV) {
                // Not fenced: the rkey may still work. Only deregistration (recovery) releases the caller, and it
                // is asked for now, wherever the MR is (free, or lent again to a later registration).
                counters.increment(TransportCounter.FENCED_BY_RECOVERY);
                mm.mr().fenceOnDeregistration(slot.fence, mm.generation());
                pool.tell(new MrPool.Recover(mm.mr(), mm.generation(), "LOCAL_INV completed with " + status));
            } else if (slot.recoverOnRetire) {
                pool.tell(new MrPool.Recover(mm.mr(), mm.generation(), "registration failed to post"));
            }
        } else if (slot.opcode == Opcode.SEND && slot.sendReplyTo != null) {
            slot.sendReplyTo.tell(new RdmaTransport.SendFailed(slot.cookie,
                    new TransportError(TransportError.Kind.CONNECTION_LOST, "SEND completed with " + status)));
        }
    }

    private void onRecvCompletion(WorkCompletion wc, int index) {
        if (wc.status() != WcStatus.SUCCESS) {
            if (wc.status() != WcStatus.WR_FLUSH_ERR) {
                counters.increment(TransportCounter.WR_ERRORS);
                startDrain("RECV completed with " + wc.status());
            }
            return;
        }
        counters.increment(TransportCounter.RECVS);
        if (wc.withInvalidate()) {
            // The responder invalidated this rkey (the fabric checked it named a valid MR of our PD).
            remotelyInvalidated.add(wc.invalidatedRkey());
        }
        final ByteBuffer src = recvBuffers[index].buffer().duplicate();
        src.limit(wc.byteLen()).position(0);
        final ByteBuffer copy = ByteBuffer.allocate(wc.byteLen());
        copy.put(src).flip();
        final RdmaTransport.Received msg = new RdmaTransport.Received(epoch, copy.asReadOnlyBuffer(),
                wc.withInvalidate(), wc.invalidatedRkey());
        for (ActorRef<RdmaTransport.Inbound> s : subscribers) {
            s.tell(msg);
        }
        if (subscribers.isEmpty()) {
            if (unheard.size() < recvBuffers.length) {
                unheard.add(msg);
            } else {
                getContext().getLog().warn("connection {}: a message arrived and nobody has subscribed; dropped", epoch);
            }
        }
        postRecv(index);
    }

    /**
     * Post every receive of connection {@code epoch}, from the connection's CM callback on Established (before the
     * peer can hear its own and SEND); null, or why it failed. Later receives are reposted here as messages arrive.
     */
    static String postInitialReceives(QueuePair qp, long epoch, DmaBuffer[] recvBuffers) {
        try {
            for (int i = 0; i < recvBuffers.length; i++) {
                qp.postRecv(recvWr(epoch, i, recvBuffers));
            }
            return null;
        } catch (VerbsException e) {
            return "post_recv: " + e.getMessage();
        }
    }

    private static RecvWr recvWr(long epoch, int index, DmaBuffer[] recvBuffers) {
        return new RecvWr(RECV_BIT | ((epoch & 0x7F_FFFF) << EPOCH_SHIFT) | index,
                recvBuffers[index].segment(0, recvBuffers[index].length()));
    }

    private void postRecv(int index) {
        try {
            qp.postRecv(recvWr(epoch, index, recvBuffers));
        } catch (VerbsException e) {
            startDrain("post_recv: " + e.getMessage());
        }
    }

    // ---- Connection lifecycle -------------------------------------------------------------------------

    private Behavior<Command> onAttach(Attach a) {
        if (mode == Mode.SETTLING || mode == Mode.DRAINING) {
            pendingAttach = a;
            return this;
        }
        if (mode == Mode.GAVE_UP || mode == Mode.UP) {
            a.qp().disconnect();
            return this;
        }
        if (a.pdGeneration() != pds.generation()) {
            // Made in a retired protection domain: it could reach an MR that failed to deregister. Drop it; the
            // Connection fails and the next attempt uses the current PD.
            a.qp().disconnect();
            a.connection().tell(new Connection.Drained(a.epoch()));
            return this;
        }
        mode = Mode.UP;
        qpPdGeneration = a.pdGeneration();
        qp = a.qp();
        epoch = a.epoch();
        connection = a.connection();
        final int depth = Math.min(settings.queues().sendQueueDepth(), a.qp().sendQueueCapacity());
        sq = new SendQueueAccounting(depth, Math.min(settings.queues().signalInterval(), depth));
        ring = new WrSlot[depth];
        for (int i = 0; i < depth; i++) {
            ring[i] = new WrSlot();
        }
        if (events.active()) {
            events.publish(new TransportEvent.Connected(epoch, epoch > 1));
        }
        peerPrivateData = a.privateData();
        final RdmaTransport.ConnectionUp up = new RdmaTransport.ConnectionUp(epoch, a.privateData());
        for (ActorRef<RdmaTransport.Inbound> s : subscribers) {
            s.tell(up);
        }
        unparkAll();
        pollCq();
        return this;
    }

    private Behavior<Command> onRetirePd(RetirePd m) {
        if (mode == Mode.UP && qpPdGeneration <= m.generation()) {
            getContext().getLog().warn("dropping connection {}: {}", epoch, m.reason());
            qp.disconnect();
            startDrain("protection domain retired: " + m.reason());
        }
        return this;
    }

    private boolean poolGone() {
        return mode == Mode.GAVE_UP && gaveUpKind == TransportError.Kind.TRANSPORT_FAILED;
    }

    /** The pool is gone: requests waiting for its answer end now. */
    private void failAcquiring(String why) {
        for (RegisterJob job : acquiring.values()) {
            failRegister(job.request(), TransportError.Kind.TRANSPORT_FAILED, why);
        }
        acquiring.clear();
    }

    private void startDrain(String reason) {
        if (mode != Mode.UP) {
            return;
        }
        mode = Mode.DRAINING;
        counters.increment(TransportCounter.QP_ERRORS);
        if (stopping) {
            getContext().getLog().info("connection {} closing for shutdown; draining {} outstanding WRs of QP {}",
                    epoch, sq.outstanding(), qp.qpNum());
        } else {
            getContext().getLog().info("QP {} of connection {} failed ({}); draining {} outstanding WRs", qp.qpNum(),
                    epoch, reason, sq.outstanding());
        }
        if (events.active()) {
            events.publish(new TransportEvent.QpError(epoch, reason));
            events.publish(new TransportEvent.DrainStarted(epoch, sq.outstanding()));
        }
        final RdmaTransport.ConnectionDown down = new RdmaTransport.ConnectionDown(epoch, reason, false);
        for (ActorRef<RdmaTransport.Inbound> s : subscribers) {
            s.tell(down);
        }
        // Work that was waiting for slots never reached the queue: put it back in line for the next QP.
        for (Blocked b : blocked) {
            if (b instanceof BlockedRegister r) {
                pool.tell(MrPool.Release.unmapped(r.mrs()));
                park(r.job().request());
            } else if (b instanceof BlockedInvalidate i) {
                // Its fence already counts these MRs; once nothing is outstanding, deregistration fences them.
                fenceAfterDrain.add(i);
            } else if (b instanceof BlockedSend s) {
                if (s.request().replyTo() != null) {
                    s.request().replyTo().tell(new RdmaTransport.SendFailed(s.request().cookie(),
                            new TransportError(TransportError.Kind.CONNECTION_LOST, "connection lost: " + reason)));
                }
            }
        }
        blocked.clear();
        qp.drainSendQueue(DRAIN_MARKER_BIT | ((epoch & 0x7F_FFFF) << EPOCH_SHIFT));
        timers.startSingleTimer(new DrainTimeout(epoch), settings.connection().drainTimeout());
        pollCq();
    }

    private void finishDrain(boolean timedOut) {
        timers.cancel(new DrainTimeout(epoch));
        if (timedOut) {
            counters.increment(TransportCounter.DRAIN_TIMEOUTS);
            getContext().getLog().warn("drain of connection {} timed out with {} WRs outstanding; treating them as flushed",
                    epoch, sq.outstanding());
            for (long s = sq.retired() + 1; s <= sq.posted(); s++) {
                failed(slot(s), WcStatus.WR_FLUSH_ERR);
                slot(s).clear();
            }
            sq.retireThrough(sq.posted());
        }
        for (BlockedInvalidate i : fenceAfterDrain) {
            for (MappedMr mm : i.toPost()) {
                fenceByRecovery(mm, i.fence(), "invalidation waited for send-queue slots when the QP failed");
            }
            if (!i.releaseNow().isEmpty()) {
                pool.tell(new MrPool.Release(i.releaseNow()));
            }
        }
        fenceAfterDrain.clear();
        counters.increment(TransportCounter.DRAINS);
        if (events.active()) {
            events.publish(new TransportEvent.DrainFinished(epoch, timedOut));
        }
        mode = Mode.SETTLING;
        qp = null;
        if (!stopping) { // a Shutdown stopped the Connection before it stopped this actor
            connection.tell(new Connection.Drained(epoch));
        }
        if (gaveUpKind == TransportError.Kind.TRANSPORT_FAILED) {
            mode = Mode.DETACHED; // no pool to settle with
            enterGaveUp();
            return;
        }
        pool.tell(new MrPool.ConnectionDrained(epoch, settleAdapter));
    }

    private Behavior<Command> onPoolSettled(PoolSettled m) {
        if (mode != Mode.SETTLING) {
            return this;
        }
        mode = Mode.DETACHED;
        if (gaveUpReason != null) {
            enterGaveUp();
            return this;
        }
        // No QP: parked invalidations are fenced by deregistration now rather than waiting for one.
        final List<Command> invalidations = new ArrayList<>();
        parked.entrySet().removeIf(e -> {
            if (e.getValue() instanceof RdmaTransport.Invalidate) {
                timers.cancel(e.getKey());
                invalidations.add(e.getValue());
                return true;
            }
            return false;
        });
        for (Command c : invalidations) {
            onInvalidate((RdmaTransport.Invalidate) c);
        }
        if (pendingAttach != null) {
            final Attach a = pendingAttach;
            pendingAttach = null;
            onAttach(a);
        }
        maybeStopped();
        return this;
    }

    private void enterGaveUp() {
        mode = Mode.GAVE_UP;
        final String why = stopping && !gaveUpFirst ? "the transport is shutting down"
                : gaveUpKind == TransportError.Kind.TRANSPORT_FAILED ? "the transport failed: " + gaveUpReason
                : "gave up reconnecting: " + gaveUpReason;
        final TransportError.Kind kind = stopping && !gaveUpFirst ? TransportError.Kind.STOPPED : gaveUpKind;
        final List<Command> all = new ArrayList<>(parked.values());
        for (Long id : parked.keySet()) {
            timers.cancel(id);
        }
        parked.clear();
        for (Command c : all) {
            if (c instanceof RdmaTransport.Invalidate inv) {
                onInvalidate(inv);
            } else {
                failParked(c, kind, why);
            }
        }
        if (poolGone()) {
            // Their deregistrations will never come, but no QP is open any more: the memory is out of reach.
            invalidations.values().forEach(Invalidation::fenced);
        }
        final RdmaTransport.ConnectionDown down = new RdmaTransport.ConnectionDown(epoch, why, true);
        for (ActorRef<RdmaTransport.Inbound> s : subscribers) {
            s.tell(down);
        }
        if (events.active()) {
            events.publish(new TransportEvent.GaveUp(why));
        }
        maybeStopped();
    }

    private Behavior<Command> onStop(Stop m) {
        stopReplyTo = m.replyTo();
        stopping = true;
        if (gaveUpReason == null) {
            gaveUpReason = "shutdown";
        }
        if (mode == Mode.UP) {
            qp.disconnect();
            startDrain("shutdown");
        } else if (mode == Mode.DETACHED) {
            enterGaveUp();
        } else {
            maybeStopped();
        }
        return this;
    }

    private void maybeStopped() {
        if (stopReplyTo != null && mode == Mode.GAVE_UP && acquiring.isEmpty()) {
            stopReplyTo.tell(new Stopped());
            stopReplyTo = null;
        }
    }

    // ---- Parking while there is no QP -----------------------------------------------------------------

    private void park(Command c) {
        if (mode == Mode.GAVE_UP) {
            if (c instanceof RdmaTransport.Invalidate inv) {
                onInvalidate(inv);
            } else {
                failParked(c, stopping && !gaveUpFirst ? TransportError.Kind.STOPPED : gaveUpKind,
                        stopping && !gaveUpFirst ? "the transport is shutting down"
                                : (gaveUpKind == TransportError.Kind.TRANSPORT_FAILED ? "the transport failed: "
                                : "not connected: ") + gaveUpReason);
            }
            return;
        }
        final boolean invalidation = c instanceof RdmaTransport.Invalidate;
        if (!invalidation && (settings.connection().requestWait().isZero()
                || parked.size() >= settings.connection().requestQueueLimit())) {
            failParked(c, TransportError.Kind.NOT_CONNECTED, settings.connection().requestWait().isZero()
                    ? "not connected (request-wait = 0)"
                    : "not connected, and " + parked.size() + " requests already wait (request-queue-limit)");
            return;
        }
        final long id = nextId++;
        parked.put(id, c);
        counters.increment(TransportCounter.REQUESTS_PARKED);
        if (!invalidation) {
            timers.startSingleTimer(id, new ParkExpired(id), settings.connection().requestWait());
        }
    }

    private void unparkAll() {
        final List<Command> all = new ArrayList<>(parked.values());
        for (Long id : parked.keySet()) {
            timers.cancel(id);
        }
        parked.clear();
        for (Command c : all) {
            if (c instanceof RdmaTransport.Register r) {
                onRegister(r);
            } else if (c instanceof RdmaTransport.Invalidate i) {
                onInvalidate(i);
            } else if (c instanceof RdmaTransport.Send s) {
                onSend(s);
            }
        }
    }

    private Behavior<Command> onParkExpired(ParkExpired m) {
        final Command c = parked.remove(m.id());
        if (c != null) {
            counters.increment(TransportCounter.REQUESTS_EXPIRED);
            failParked(c, TransportError.Kind.NOT_CONNECTED, "not connected within request-wait ("
                    + settings.connection().requestWait().toMillis() + " ms)");
        }
        return this;
    }

    private static void failParked(Command c, TransportError.Kind kind, String why) {
        final TransportError err = new TransportError(kind, why);
        if (c instanceof RdmaTransport.Register r) {
            r.replyTo().tell(new RdmaTransport.RegisterFailed(r.cookie(), err));
        } else if (c instanceof RdmaTransport.Send s && s.replyTo() != null) {
            s.replyTo().tell(new RdmaTransport.SendFailed(s.cookie(), err));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private WrSlot slot(long seq) {
        return ring[(int) (seq % ring.length)];
    }

    private long wrId(long seq) {
        return ((epoch & 0x7F_FFFF) << EPOCH_SHIFT) | seq;
    }
}
