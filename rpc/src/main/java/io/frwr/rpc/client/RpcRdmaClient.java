package io.frwr.rpc.client;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.TransportError;
import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An RPC-over-RDMA version 1 requester (RFC 8166, RFC 8797) over one {@link RdmaTransport}.
 *
 * <h2>Normal operation</h2>
 * A Call waits in line for a credit. With one, it gets a SEND slot and a layout ({@link CallLayout}):
 * inline, a read chunk for its DDP argument, or RDMA_NOMSG; a result sink becomes a write chunk, a large
 * reply a reply chunk. All of a call's chunks go in one Register; once registered, the SEND carries their
 * handles. The reply is matched by XID, its credit field sets the grant, and its chunks are checked
 * against what was offered. The call's registration is then invalidated (or found remotely invalidated
 * by SEND_WITH_INV); only when the transport says the memory is fenced does the caller get its result.
 *
 * <h2>Credits</h2>
 * Every connection starts with one credit; each reply states the grant anew, clamped to 1..maxCredits.
 * A call holds a credit from its Register until its reply arrives, it fails, or its connection breaks.
 *
 * <h2>Transport recovery</h2>
 * At ConnectionDown, every call sent without a reply gives its credit up; its registration is invalidated
 * (fenced by the transport's drain and recovery) and it waits. At ConnectionUp it is registered anew and
 * resent with the same XID, ahead of new calls, at most maxRetransmits times; then it fails
 * CONNECTION_LOST. A reply that arrives for any transmission of a waiting call still completes it. Calls
 * time out after callTimeout, and a timed-out call is invalidated like any other before it fails.
 *
 * <p>The transport does not tell a late subscriber that it is already up, so until the first
 * ConnectionUp the client assumes one credit and inline sizes equal to its own (anything sent meanwhile
 * waits in the transport for the connection).
 */
public final class RpcRdmaClient extends AbstractBehavior<RpcRdmaClient.Command> {
    /** Everything a user may send to the client. */
    public interface Command { }

    /** Make a call; exactly one {@link CallResult} comes back. */
    public record Call(RpcCallSpec spec, ActorRef<CallResult> replyTo) implements Command { }

    /** The client's counters and queue lengths at this moment. */
    public record GetStats(ActorRef<ClientStats> replyTo) implements Command { }

    /** Fail what is queued and in flight with STOPPED (each after invalidation), then stop. */
    public record Shutdown(ActorRef<ShutdownComplete> replyTo) implements Command { }

    /** Shutdown is done: every call has ended; the final counters. */
    public record ShutdownComplete(ClientStats stats) { }

    private record FromTransport(RdmaTransport.Inbound inbound) implements Command { }

    private record RegisterReplied(RdmaTransport.RegisterReply reply) implements Command { }

    private record SendReplied(RdmaTransport.SendReply reply) implements Command { }

    private record InvalidateReplied(RdmaTransport.Invalidated invalidated) implements Command { }

    private record CallTimedOut(long id) implements Command { }

    private final ActorRef<RdmaTransport.Command> transport;
    private final RdmaDevice device;
    private final ClientSettings settings;
    private final TimerScheduler<Command> timers;
    private final ActorRef<RdmaTransport.RegisterReply> registerAdapter;
    private final ActorRef<RdmaTransport.SendReply> sendAdapter;
    private final ActorRef<RdmaTransport.Invalidated> invalidateAdapter;
    private final SendBuffers sendBuffers;
    private final ChunkBuffers chunkBuffers;
    private final CreditGrant credits;
    private final long[] counters = new long[ClientCounter.values().length];
    private final Map<Long, PendingCall> byId = new HashMap<>();
    private final Map<Integer, PendingCall> byXid = new HashMap<>();
    private final Map<Long, PendingCall> byRegistration = new HashMap<>();
    /** SEND slots of finished calls whose Send the transport has not answered yet. */
    private final Map<Long, Integer> slotsAwaitingSend = new HashMap<>();
    private final ArrayDeque<PendingCall> resendQueue = new ArrayDeque<>();
    private final ArrayDeque<PendingCall> queue = new ArrayDeque<>();

    private boolean connected = true;
    private long epoch;
    private long generation;
    private int sendLimit;
    private int recvLimit;
    private boolean gaveUp;
    private boolean transportGone;
    private ActorRef<ShutdownComplete> shutdownReplyTo;
    private long nextId = 1;
    private int nextXid = ThreadLocalRandom.current().nextInt();

    /** {@return a client that calls through {@code transport}, whose device maps {@code device}'s buffers} */
    public static Behavior<Command> create(ActorRef<RdmaTransport.Command> transport, RdmaDevice device,
                                           ClientSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new RpcRdmaClient(ctx, timers, transport, device, settings)));
    }

    private RpcRdmaClient(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                          ActorRef<RdmaTransport.Command> transport, RdmaDevice device, ClientSettings settings)
            throws VerbsException {
        super(ctx);
        this.transport = transport;
        this.device = device;
        this.settings = settings;
        this.timers = timers;
        this.credits = new CreditGrant(settings.maxCredits());
        this.sendBuffers = new SendBuffers(device, settings.maxCredits(), settings.inlineThreshold());
        this.chunkBuffers = new ChunkBuffers(device, 2 * settings.maxCredits());
        this.sendLimit = settings.inlineThreshold();
        this.recvLimit = settings.inlineThreshold();
        this.registerAdapter = ctx.messageAdapter(RdmaTransport.RegisterReply.class, RegisterReplied::new);
        this.sendAdapter = ctx.messageAdapter(RdmaTransport.SendReply.class, SendReplied::new);
        this.invalidateAdapter = ctx.messageAdapter(RdmaTransport.Invalidated.class, InvalidateReplied::new);
        ctx.watch(transport);
        transport.tell(new RdmaTransport.Subscribe(ctx.messageAdapter(RdmaTransport.Inbound.class, FromTransport::new)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Call.class, this::onCall)
                .onMessage(FromTransport.class, this::onInbound)
                .onMessage(RegisterReplied.class, this::onRegisterReplied)
                .onMessage(SendReplied.class, this::onSendReplied)
                .onMessage(InvalidateReplied.class, this::onInvalidated)
                .onMessage(CallTimedOut.class, this::onTimedOut)
                .onMessage(GetStats.class, m -> {
                    m.replyTo().tell(stats());
                    return this;
                })
                .onMessage(Shutdown.class, this::onShutdown)
                .onSignal(Terminated.class, t -> onTransportStopped())
                .onSignal(PostStop.class, s -> {
                    sendBuffers.unmap(device);
                    chunkBuffers.unmapAll();
                    return this;
                })
                .build();
    }

    // ---- calls ----------------------------------------------------------------------------------------

    private Behavior<Command> onCall(Call m) {
        counters[ClientCounter.CALLS.ordinal()]++;
        final int xid = allocateXid();
        if (shutdownReplyTo != null || transportGone) {
            return reject(m, xid, CallError.Kind.STOPPED, "the client is shutting down");
        }
        if (gaveUp) {
            return reject(m, xid, CallError.Kind.CONNECTION_LOST, "the transport gave up reconnecting");
        }
        final boolean mustWait = !connected || !credits.available() || !resendQueue.isEmpty() || !queue.isEmpty();
        if (mustWait && queue.size() + resendQueue.size() >= settings.queueLimit()) {
            return reject(m, xid, CallError.Kind.QUEUE_FULL, queue.size() + resendQueue.size()
                    + " calls already wait for a credit (queueLimit " + settings.queueLimit() + ")");
        }
        final PendingCall c = new PendingCall(nextId++, xid, m.spec(), m.replyTo());
        byId.put(c.id, c);
        byXid.put(xid, c);
        timers.startSingleTimer(c.id, new CallTimedOut(c.id), settings.callTimeout());
        if (connected && !credits.available()) {
            counters[ClientCounter.CREDIT_WAITS.ordinal()]++;
        }
        queue.add(c);
        dispatch();
        return this;
    }

    private Behavior<Command> reject(Call m, int xid, CallError.Kind kind, String why) {
        counters[ClientCounter.failure(kind).ordinal()]++;
        m.replyTo().tell(new CallResult.CallFailed(xid, new CallError(kind, why)));
        return this;
    }

    private int allocateXid() {
        while (byXid.containsKey(nextXid)) {
            nextXid++;
        }
        return nextXid++;
    }

    /** Start calls while credits and SEND slots allow; waiting resends go first. */
    private void dispatch() {
        while (connected && credits.available()) {
            final ArrayDeque<PendingCall> line = resendQueue.isEmpty() ? queue : resendQueue;
            final PendingCall c = line.peek();
            if (c == null || c.sendInFlight || (c.sendSlot < 0 && !sendBuffers.hasFree())) {
                return;
            }
            line.poll();
            transmit(c);
        }
    }

    private void transmit(PendingCall c) {
        credits.take();
        c.holdsCredit = true;
        c.generation = generation;
        if (c.sendSlot < 0) {
            c.sendSlot = sendBuffers.acquire();
        }
        c.layout = CallLayout.plan(c.spec, c.xid, Math.min(sendLimit, sendBuffers.slotSize()), recvLimit);
        if (!c.layout.needsRegistration()) {
            sendInline(c);
            return;
        }
        try {
            if (c.layout.mode() == CallLayout.Mode.NOMSG) {
                c.callChunk = ensure(c.callChunk, c.layout.fullMessageLength());
                c.layout.writeFullMessage(c.spec, c.callChunk.buffer(), 0);
            }
            if (c.layout.replyChunk()) {
                c.replyBuffer = ensure(c.replyBuffer, c.spec.maxReplySize());
            }
        } catch (VerbsException e) {
            decide(c, CallError.Kind.BAD_REQUEST, "could not map requester memory for the call's chunks: "
                    + e.getMessage());
            return;
        }
        c.phase = PendingCall.Phase.REGISTERING;
        // The transport encodes the message into this call's slot and posts it right behind the FAST_REGs,
        // so the slot is in use from now until the SEND's reply (or a failed registration) comes back.
        c.sendInFlight = true;
        transport.tell(RdmaTransport.Register.andSend(c.layout.chunkRequests(c.spec,
                c.callChunk == null ? null : c.callChunk.segment(0, c.layout.fullMessageLength()),
                c.replyBuffer == null ? null : c.replyBuffer.segment(0, c.spec.maxReplySize())),
                message(c), c.id, registerAdapter, sendAdapter, epoch));
    }

    /**
     * What the transport runs, on its own actor, once the registration exists: encode this call's header
     * with the handles into its send slot. It reads only values fixed now and writes only that slot.
     */
    private io.frwr.actors.MessageBuilder message(PendingCall c) {
        final CallLayout layout = c.layout;
        final RpcCallSpec spec = c.spec;
        final int xid = c.xid;
        final int slot = c.sendSlot;
        final int credits = settings.maxCredits();
        final int limit = Math.min(sendLimit, sendBuffers.slotSize());
        final SendBuffers buffers = sendBuffers;
        return reg -> {
            final int length = layout.encodeSend(spec, layout.header(xid, credits, reg), buffers.memory(),
                    buffers.offset(slot), limit);
            return List.of(buffers.segment(slot, length));
        };
    }

    private DmaBuffer ensure(DmaBuffer have, int bytes) throws VerbsException {
        if (have != null && have.length() >= bytes) {
            return have;
        }
        if (have != null) {
            chunkBuffers.release(have);
        }
        return chunkBuffers.acquire(bytes);
    }

    /** A call with no chunks: encode and SEND it now (no registration to wait for). */
    private void sendInline(PendingCall c) {
        final RpcRdmaHeader header = c.layout.header(c.xid, settings.maxCredits(), null);
        final int length;
        try {
            length = c.layout.encodeSend(c.spec, header, sendBuffers.memory(), sendBuffers.offset(c.sendSlot),
                    Math.min(sendLimit, sendBuffers.slotSize()));
        } catch (IllegalStateException e) {
            decide(c, CallError.Kind.BAD_REQUEST, e.getMessage());
            return;
        }
        transmitted(c, header);
        c.sendInFlight = true;
        // Bound to this connection: its chunks carry this connection's rkeys, which may be dead on the next.
        transport.tell(new RdmaTransport.Send(List.of(sendBuffers.segment(c.sendSlot, length)), c.id, sendAdapter, epoch));
    }

    /** Books a transmission: the header the reply is checked against, the counters, the phase. */
    private void transmitted(PendingCall c, RpcRdmaHeader header) {
        c.sentHeader = header;
        c.transmissions++;
        if (c.transmissions > 1) {
            counters[ClientCounter.RETRANSMITS.ordinal()]++;
        }
        count(c.layout);
        c.phase = PendingCall.Phase.SENT;
    }

    private void count(CallLayout layout) {
        final ClientCounter mode = switch (layout.mode()) {
            case INLINE -> ClientCounter.INLINE_CALLS;
            case READ_CHUNK -> ClientCounter.READ_CHUNK_CALLS;
            case NOMSG -> ClientCounter.NOMSG_CALLS;
        };
        counters[mode.ordinal()]++;
        if (layout.writeChunk()) {
            counters[ClientCounter.WRITE_CHUNKS_OFFERED.ordinal()]++;
        }
        if (layout.replyChunk()) {
            counters[ClientCounter.REPLY_CHUNKS_OFFERED.ordinal()]++;
        }
    }

    // ---- transport replies ----------------------------------------------------------------------------

    private Behavior<Command> onRegisterReplied(RegisterReplied m) {
        final PendingCall c = byId.get(m.reply().cookie());
        if (m.reply() instanceof RdmaTransport.Registered r) {
            if (c == null) {
                transport.tell(RdmaTransport.Invalidate.of(r.registration(), invalidateAdapter));
                return next();
            }
            c.registration = r.registration();
            byRegistration.put(r.registration().id(), c);
            if (c.decided()) {
                finishIfSafe(c);
            } else if (c.generation != generation || !connected) {
                // Its FAST_REGs may have gone to the QP that broke: fence them, then start over.
                releaseCredit(c);
                c.phase = PendingCall.Phase.WAITING;
                startInvalidate(c);
            } else {
                // The SEND went out with the FAST_REGs; its reply will free the slot.
                transmitted(c, c.layout.header(c.xid, settings.maxCredits(), r.registration()));
            }
        } else if (m.reply() instanceof RdmaTransport.RegisterFailed f) {
            // No SEND was posted, so no SEND reply will come: the slot is free again.
            final Integer orphanSlot = slotsAwaitingSend.remove(f.cookie());
            if (orphanSlot != null) {
                sendBuffers.release(orphanSlot);
            }
            if (c == null) {
                dispatch();
                return next();
            }
            c.sendInFlight = false;
            c.phase = c.decided() ? PendingCall.Phase.FINISHING : PendingCall.Phase.QUEUED;
            if (c.decided()) {
                finishIfSafe(c);
            } else {
                onRegisterFailed(c, f.error());
            }
        }
        dispatch();
        return next();
    }

    private void onRegisterFailed(PendingCall c, TransportError error) {
        switch (error.kind()) {
            case NO_MR_FREE -> decide(c, CallError.Kind.NO_MR, "no MR free for the call's chunks: " + error.message());
            case BAD_REQUEST -> decide(c, CallError.Kind.BAD_REQUEST, error.message());
            case STOPPED -> decide(c, CallError.Kind.STOPPED, error.message());
            case NOT_CONNECTED, TRANSPORT_FAILED -> decide(c, CallError.Kind.CONNECTION_LOST, error.message());
            case POST_FAILED, CONNECTION_LOST -> {
                // Never sent. Usually the QP just broke and ConnectionDown is on its way (ENOTCONN), or the
                // post was refused for now (EAGAIN): try again, on this connection or the next, a bounded
                // number of times.
                if (++c.postFailures <= settings.maxRetransmits()) {
                    releaseCredit(c);
                    resendQueue.add(c);
                } else {
                    decide(c, CallError.Kind.CONNECTION_LOST, "FAST_REG not posted " + c.postFailures
                            + " times, last: " + error.message());
                }
            }
        }
    }

    private Behavior<Command> onSendReplied(SendReplied m) {
        final long cookie = m.reply().cookie();
        final Integer orphanSlot = slotsAwaitingSend.remove(cookie);
        if (orphanSlot != null) {
            sendBuffers.release(orphanSlot);
        } else {
            final PendingCall c = byId.get(cookie);
            if (c != null) {
                c.sendInFlight = false;
                if (m.reply() instanceof RdmaTransport.SendFailed f && !c.decided()
                        && c.phase == PendingCall.Phase.SENT) {
                    onSendFailed(c, f.error());
                }
            }
        }
        dispatch();
        return next();
    }

    private void onSendFailed(PendingCall c, TransportError error) {
        switch (error.kind()) {
            case STOPPED -> decide(c, CallError.Kind.STOPPED, error.message());
            case NOT_CONNECTED, TRANSPORT_FAILED -> decide(c, CallError.Kind.CONNECTION_LOST,
                    "SEND not posted: " + error.message());
            case CONNECTION_LOST -> { } // ConnectionDown resends it
            default -> resendAfterLoss(c, "SEND not posted: " + error);
        }
    }

    private Behavior<Command> onInvalidated(InvalidateReplied m) {
        final PendingCall c = byRegistration.remove(m.invalidated().registration().id());
        if (c == null) {
            return next();
        }
        c.registration = null;
        c.invalidating = false;
        if (!m.invalidated().fenced()) {
            counters[ClientCounter.UNFENCED.ordinal()]++;
            getContext().getLog().warn("xid 0x{}: registration could not be fenced; its memory may stay exposed",
                    Integer.toHexString(c.xid));
        }
        if (c.decided()) {
            finishIfSafe(c);
        } else if (c.phase == PendingCall.Phase.WAITING) {
            c.phase = PendingCall.Phase.QUEUED;
            resendQueue.add(c);
        }
        dispatch();
        return next();
    }

    // ---- inbound --------------------------------------------------------------------------------------

    private Behavior<Command> onInbound(FromTransport m) {
        if (m.inbound() instanceof RdmaTransport.Received r) {
            onReceived(r);
        } else if (m.inbound() instanceof RdmaTransport.ConnectionUp up) {
            onConnectionUp(up);
        } else if (m.inbound() instanceof RdmaTransport.ConnectionDown down) {
            onConnectionDown(down);
        }
        dispatch();
        return next();
    }

    private void onReceived(RdmaTransport.Received r) {
        final ByteBuffer in = r.message().duplicate();
        final RpcRdmaHeader h;
        try {
            h = RpcRdmaCodec.decode(in, DecodeLimits.DEFAULT);
        } catch (RpcRdmaDecodeException e) {
            counters[ClientCounter.UNDECODABLE_REPLIES.ordinal()]++;
            final PendingCall c = e.xidKnown() ? byXid.get(e.xid()) : null;
            if (c != null && c.transmissions > 0 && !c.decided()) {
                c.reply = r;
                onReplyDecided(c, new CallError(CallError.Kind.BAD_REPLY, e.getMessage()));
            }
            return;
        }
        if (r.epoch() == epoch || epoch == 0) {
            credits.update(h.credits()); // a reply drained from a broken connection says nothing of the next
        }
        final PendingCall c = byXid.get(h.xid());
        if (c == null || c.transmissions == 0 || c.decided()) {
            counters[ClientCounter.UNMATCHED_REPLIES.ordinal()]++;
            return;
        }
        c.reply = r;
        c.replyHeader = h;
        c.replyBody = in.slice();
        final ReplyCheck check = ReplyCheck.transport(h, c.sentHeader);
        c.ddpBytes = check.ddpBytes();
        c.replyChunkBytes = check.replyChunkBytes();
        onReplyDecided(c, check.error());
    }

    private void onReplyDecided(PendingCall c, CallError error) {
        if (error == null) {
            c.succeeded = true;
        }
        decide(c, error == null ? null : error.kind(), error == null ? null : error.message());
    }

    private void onConnectionUp(RdmaTransport.ConnectionUp up) {
        connected = true;
        epoch = up.epoch();
        credits.reset();
        final Optional<CmPrivateMessage> peer = CmPrivateMessage.decode(up.privateData());
        // RFC 8797: a responder that sent no private message receives and sends 1 KiB inline.
        sendLimit = Math.min(settings.inlineThreshold(), peer.map(CmPrivateMessage::inlineRecvSize)
                .orElse(CmPrivateMessage.MIN_SIZE));
        recvLimit = Math.min(settings.inlineThreshold(), peer.map(CmPrivateMessage::inlineSendSize)
                .orElse(CmPrivateMessage.MIN_SIZE));
        getContext().getLog().debug("connection {} up: send inline {}, receive inline {}", epoch, sendLimit,
                recvLimit);
    }

    private void onConnectionDown(RdmaTransport.ConnectionDown down) {
        connected = false;
        generation++;
        if (down.gaveUp()) {
            gaveUp = true;
        }
        for (PendingCall c : new ArrayList<>(byId.values())) {
            if (c.decided()) {
                continue;
            }
            if (down.gaveUp()) {
                decide(c, shutdownReplyTo != null ? CallError.Kind.STOPPED : CallError.Kind.CONNECTION_LOST,
                        "the transport gave up: " + down.reason());
            } else if (c.phase == PendingCall.Phase.SENT) {
                resendAfterLoss(c, down.reason());
            } else if (c.phase == PendingCall.Phase.REGISTERING) {
                releaseCredit(c); // its Registered reply sees the generation changed
            }
        }
    }

    /** The call's transmission is lost: invalidate what it registered, then resend, within maxRetransmits. */
    private void resendAfterLoss(PendingCall c, String reason) {
        releaseCredit(c);
        if (c.retransmits() >= settings.maxRetransmits()) {
            decide(c, CallError.Kind.CONNECTION_LOST, "connection lost with the call outstanding "
                    + c.transmissions + " times (maxRetransmits " + settings.maxRetransmits() + "): " + reason);
            return;
        }
        c.phase = PendingCall.Phase.WAITING;
        if (c.registration != null) {
            startInvalidate(c);
        } else {
            c.phase = PendingCall.Phase.QUEUED;
            resendQueue.add(c);
        }
    }

    // ---- ending a call --------------------------------------------------------------------------------

    private Behavior<Command> onTimedOut(CallTimedOut m) {
        final PendingCall c = byId.get(m.id());
        if (c != null && !c.decided()) {
            decide(c, CallError.Kind.TIMEOUT, "no reply within " + settings.callTimeout().toMillis() + " ms ("
                    + c.transmissions + " transmissions)");
            dispatch();
        }
        return next();
    }

    /** The call's fate is known ({@code kind} null: success); the caller hears once its memory is fenced. */
    private void decide(PendingCall c, CallError.Kind kind, String message) {
        if (kind != null) {
            c.failure = new CallError(kind, message);
            c.succeeded = false;
        }
        timers.cancel(c.id);
        releaseCredit(c);
        if (c.phase == PendingCall.Phase.QUEUED) {
            queue.remove(c);
            resendQueue.remove(c);
        }
        final boolean registering = c.phase == PendingCall.Phase.REGISTERING;
        c.phase = PendingCall.Phase.FINISHING;
        if (!registering) {
            finishIfSafe(c);
        }
    }

    private void finishIfSafe(PendingCall c) {
        c.phase = PendingCall.Phase.FINISHING;
        if (c.registration != null) {
            if (!c.invalidating) {
                startInvalidate(c);
            }
            return;
        }
        complete(c);
    }

    private void startInvalidate(PendingCall c) {
        c.invalidating = true;
        final RdmaTransport.Received r = c.reply;
        if (r != null && r.withInvalidate() && c.registration.hasRkey(r.invalidatedRkey())) {
            c.remotelyInvalidated = true;
            counters[ClientCounter.REMOTE_INVALIDATIONS.ordinal()]++;
            transport.tell(RdmaTransport.Invalidate.afterRemoteInvalidation(c.registration, r.invalidatedRkey(),
                    invalidateAdapter));
        } else {
            transport.tell(RdmaTransport.Invalidate.of(c.registration, invalidateAdapter));
        }
    }

    private void complete(PendingCall c) {
        CallResult result;
        if (c.failure == null) {
            final ByteBuffer message;
            if (c.replyChunkBytes > 0) {
                final byte[] copy = new byte[c.replyChunkBytes];
                c.replyBuffer.buffer().get(0, copy);
                message = ByteBuffer.wrap(copy);
            } else {
                message = c.replyBody;
            }
            final ReplyCheck.Results rpc = ReplyCheck.results(c.xid, message);
            if (rpc.error() != null) {
                c.failure = rpc.error();
            }
            result = rpc.error() != null ? new CallResult.CallFailed(c.xid, rpc.error())
                    : new CallResult.CallSucceeded(c.xid, rpc.results(), c.ddpBytes, c.retransmits(),
                    c.remotelyInvalidated);
        } else {
            result = new CallResult.CallFailed(c.xid, c.failure);
        }
        counters[(c.failure == null ? ClientCounter.SUCCEEDED : ClientCounter.failure(c.failure.kind())).ordinal()]++;
        byId.remove(c.id);
        byXid.remove(c.xid);
        if (c.sendSlot >= 0) {
            if (c.sendInFlight && !transportGone) {
                slotsAwaitingSend.put(c.id, c.sendSlot);
            } else {
                sendBuffers.release(c.sendSlot);
            }
            c.sendSlot = -1;
        }
        if (c.callChunk != null) {
            chunkBuffers.release(c.callChunk);
        }
        if (c.replyBuffer != null) {
            chunkBuffers.release(c.replyBuffer);
        }
        c.replyTo.tell(result);
    }

    private void releaseCredit(PendingCall c) {
        if (c.holdsCredit) {
            c.holdsCredit = false;
            credits.give();
        }
    }

    // ---- shutdown -------------------------------------------------------------------------------------

    private Behavior<Command> onShutdown(Shutdown m) {
        if (shutdownReplyTo == null) {
            shutdownReplyTo = m.replyTo();
            for (PendingCall c : new ArrayList<>(byId.values())) {
                if (!c.decided()) {
                    decide(c, CallError.Kind.STOPPED, "the client is shutting down");
                }
            }
        }
        return maybeStopped();
    }

    private Behavior<Command> onTransportStopped() {
        transportGone = true;
        // The transport deregistered every MR before it stopped: nothing it registered can be reached now.
        for (PendingCall c : new ArrayList<>(byId.values())) {
            if (!c.decided()) {
                c.failure = new CallError(CallError.Kind.STOPPED, "the transport stopped");
            }
            c.registration = null;
            c.invalidating = false;
            c.sendInFlight = false;
            complete(c);
        }
        slotsAwaitingSend.values().forEach(sendBuffers::release);
        slotsAwaitingSend.clear();
        return shutdownReplyTo != null ? maybeStopped() : this;
    }

    private Behavior<Command> next() {
        return shutdownReplyTo != null ? maybeStopped() : this;
    }

    private Behavior<Command> maybeStopped() {
        if (shutdownReplyTo != null && byId.isEmpty() && slotsAwaitingSend.isEmpty()) {
            shutdownReplyTo.tell(new ShutdownComplete(stats()));
            return Behaviors.stopped();
        }
        return this;
    }

    private ClientStats stats() {
        return new ClientStats(counters.clone(), credits.inUse(), credits.highWater(), credits.granted(),
                queue.size() + resendQueue.size(), epoch);
    }
}
