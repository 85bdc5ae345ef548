package io.frwr.rpc.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.rdma.CmPrivateMessage;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RdmaErrorBody;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrException;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.ProtectionDomain;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An RPC-over-RDMA version 1 responder (RFC 8166, with RFC 8797 private data) serving one {@link RpcProgram}.
 *
 * <p>Normal operation. Each accepted connection gets {@code credits} receives. A RECV's bytes are copied out
 * and the receive re-posted at once; the transport header is decoded (a bad one earns RDMA_ERROR: ERR_VERS
 * or ERR_CHUNK, and the connection stays up). Read chunks are pulled with RDMA READ and put back into the
 * XDR stream; the program runs; after the optional service time the reply goes out: a DDP item into the
 * call's write chunk by RDMA WRITE, a reply too big for the inline limit into the reply chunk followed by
 * RDMA_NOMSG, and the SEND is SEND_WITH_INV when remote invalidation was negotiated and the call named
 * exactly one rkey. Every reply grants {@code credits}.
 *
 * <p>Threads. The provider's CM and CQ callbacks only tell this actor; all posting and polling happens
 * here. A CQ is drained by: poll until empty, arm, poll again.
 *
 * <p>Hostile requesters. Every limit is the responder's own ({@link ResponderSettings}), never the peer's:
 * the header decoder checks the read list against max-call-payload and the chunk counts while decoding, so
 * a call advertising more gets ERR_CHUNK before any RDMA READ is posted and before any buffer is sized by
 * it. Calls beyond the granted credits are answered SYSTEM_ERR without touching their chunks (RFC 8166
 * section 3.3.1 allows an RPC-layer error); a requester with more than twice its grant unanswered is
 * disconnected. A read buffer is released as soon as the call is reassembled, so a connection never holds
 * more than {@link ResponderSettings#connectionMemoryBound()} of direct memory (tracked per connection and
 * reported as {@link ResponderStats#peakConnectionBytes()}). A fault in handling one message disconnects
 * that connection only; the actor keeps serving the others.
 *
 * <p>Breakage. A failed RDMA READ (an rkey never registered or invalidated mid-call, a segment beyond its
 * registration) breaks the QP, as on hardware; posts fail or flush, and the Disconnected event releases
 * that connection's buffers. Other connections are unaffected.
 */
public final class RpcRdmaResponder extends AbstractBehavior<RpcRdmaResponder.Command> {
    /** What the responder accepts: a counters query from users, and its own CM, completion and timer events. */
    public interface Command {
    }

    /** Ask for the counters. */
    public record GetStats(ActorRef<ResponderStats> replyTo) implements Command {
    }

    private record ConnectionRequested(ConnectRequest request) implements Command {
    }

    /** @param receiveError why the initial receives could not be posted, or null */
    private record CmEventArrived(long connectionId, CmEvent event, String receiveError) implements Command {
    }

    private record CompletionsReady(long connectionId) implements Command {
    }

    private record ServiceTimeElapsed(long connectionId, long callId, RpcReply reply) implements Command {
    }

    private record TimerKey(long connectionId, long callId) {
    }

    private static final int POLL_BATCH = 32;
    private static final int KIND_BITS = 2;
    private static final int KIND_READ = 1;
    private static final int KIND_WRITE = 2;
    private static final int KIND_SEND = 3;
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(30);

    private final RdmaDevice device;
    private final ResponderSettings settings;
    private final RpcProgram program;
    private final TimerScheduler<Command> timers;
    private final ProtectionDomain pd;
    private final ConnectionManager.Listener listener;
    private final DecodeLimits limits;
    private final Map<Long, ResponderConnection> connections = new HashMap<>();
    private final List<WorkCompletion> polled = new ArrayList<>(POLL_BATCH);
    private long nextConnectionId;
    private long calls;
    private long errorsSent;
    private long bytesRead;
    private long bytesWritten;
    private long remoteInvalidations;
    private long connectionsAccepted;
    private long connectionsReleased;
    private long headersRefused;
    private long callsOverLimit;
    private long messagesDropped;
    private long callsOverCredit;
    private long garbageArgs;
    private long repliesTooLarge;
    private long readFailures;
    private long connectionsDropped;
    private long peakConnectionBytes;

    /** {@return a responder that listens at {@code listenAddress} on {@code device} and serves {@code program}} */
    public static Behavior<Command> create(RdmaDevice device, String listenAddress, ResponderSettings settings,
                                           RpcProgram program) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new RpcRdmaResponder(ctx, timers, device, listenAddress, settings, program)));
    }

    private RpcRdmaResponder(ActorContext<Command> ctx, TimerScheduler<Command> timers, RdmaDevice device,
                             String listenAddress, ResponderSettings settings, RpcProgram program)
            throws VerbsException {
        super(ctx);
        this.device = device;
        this.settings = settings;
        this.limits = settings.decodeLimits();
        this.program = program;
        this.timers = timers;
        this.pd = device.allocPd();
        final ActorRef<Command> self = ctx.getSelf();
        this.listener = device.connectionManager().listen(listenAddress, req -> self.tell(new ConnectionRequested(req)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ConnectionRequested.class, m -> onConnectionRequested(m.request()))
                .onMessage(CmEventArrived.class, this::onCmEvent)
                .onMessage(CompletionsReady.class, m -> onCompletionsReady(m.connectionId()))
                .onMessage(ServiceTimeElapsed.class, this::onServiceTimeElapsed)
                .onMessage(GetStats.class, this::onGetStats)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    // ---- connections ----

    private Behavior<Command> onConnectionRequested(ConnectRequest request) {
        final long id = nextConnectionId++;
        final Optional<CmPrivateMessage> peer = CmPrivateMessage.decode(request.privateData());
        final int slotSize = settings.inlineThreshold();
        final int credits = settings.credits();
        // Worst case per call: every read segment, every write segment of a write and a reply chunk, the SEND.
        final int perCall = limits.maxReadSegments() + 2 * limits.maxSegmentsPerChunk() + 1;
        final int sqCapacity = Math.min(device.attributes().maxQpWr(), credits * perCall);
        final List<DmaBuffer> mapped = new ArrayList<>();
        try {
            final CompletionQueue sendCq = device.createCq(sqCapacity);
            final CompletionQueue recvCq = device.createCq(credits);
            final DmaBuffer recvBuffer = device.mapBuffer(ByteBuffer.allocateDirect(credits * slotSize));
            mapped.add(recvBuffer);
            final DmaBuffer sendBuffer = device.mapBuffer(ByteBuffer.allocateDirect(credits * slotSize));
            mapped.add(sendBuffer);
            // RFC 8797: no private message from the peer means 1 KiB inline and no remote invalidation.
            final int peerRecv = peer.map(CmPrivateMessage::inlineRecvSize).orElse(CmPrivateMessage.MIN_SIZE);
            final boolean remoteInv = settings.remoteInvalidation() && peer.map(
                    CmPrivateMessage::remoteInvalidation).orElse(false);
            final ResponderConnection conn = new ResponderConnection(id, sendCq, recvCq, recvBuffer, sendBuffer,
                    credits, slotSize, sqCapacity, remoteInv, Math.min(slotSize, peerRecv));
            final ActorRef<Command> self = getContext().getSelf();
            sendCq.setNotificationHandler(() -> self.tell(new CompletionsReady(id)));
            recvCq.setNotificationHandler(() -> self.tell(new CompletionsReady(id)));
            final int advertised = CmPrivateMessage.encodableSize(slotSize);
            final byte[] ours = CmPrivateMessage.of(settings.remoteInvalidation(), advertised, advertised).encode();
            final ConnectParams params = new ConnectParams(pd, sendCq, recvCq, sqCapacity, credits, ours,
                    ACCEPT_TIMEOUT);
            connections.put(id, conn);
            conn.mappedBytes = recvBuffer.length() + (long) sendBuffer.length();
            peakConnectionBytes = Math.max(peakConnectionBytes, conn.mappedBytes);
            conn.qp = request.accept(params, ev -> self.tell(new CmEventArrived(id, ev,
                    ev instanceof CmEvent.Established e ? postInitialReceives(conn, e.qp()) : null)));
            connectionsAccepted++;
            arm(conn);
            getContext().getLog().debug("accepted connection {} from {}: inline {}, remote invalidation {}", id,
                    request.remoteAddress(), conn.replyInlineLimit, remoteInv);
        } catch (VerbsException | RuntimeException e) {
            getContext().getLog().warn("could not accept a connection from {}: {}", request.remoteAddress(),
                    e.toString());
            final ResponderConnection conn = connections.remove(id);
            if (conn == null || conn.qp == null) {
                request.reject(new byte[0]);
            }
            mapped.forEach(device::unmapBuffer);
        }
        return this;
    }

    /**
     * The one post made outside the actor. The SPI creates the QP inside accept(), and the requester may
     * SEND as soon as it hears Established; the provider delivers our Established first, so receives
     * posted in that callback are in place before any call can arrive (rdma_cm servers post before
     * rdma_accept for the same reason). Nothing else touches the receive queue until a RECV completes.
     */
    private static String postInitialReceives(ResponderConnection conn, QueuePair qp) {
        try {
            for (int slot = 0; slot < conn.slots; slot++) {
                qp.postRecv(new RecvWr(slot, conn.recvBuffer.segment(slot * conn.slotSize, conn.slotSize)));
            }
            return null;
        } catch (VerbsException e) {
            return e.getMessage();
        }
    }

    private Behavior<Command> onCmEvent(CmEventArrived m) {
        final ResponderConnection conn = connections.get(m.connectionId());
        if (conn == null) {
            return this;
        }
        if (m.event() instanceof CmEvent.Established) {
            if (m.receiveError() != null) {
                getContext().getLog().warn("connection {}: receives not posted, disconnecting: {}", conn.id,
                        m.receiveError());
                conn.qp.disconnect();
                return this;
            }
            drain(conn);
        } else if (m.event() instanceof CmEvent.Disconnected) {
            drain(conn);
            release(conn);
        }
        return this;
    }

    private void release(ResponderConnection conn) {
        if (connections.remove(conn.id) == null) {
            return;
        }
        for (InboundCall call : conn.calls.values()) {
            timers.cancel(new TimerKey(conn.id, call.id));
            unmapAll(conn, call);
        }
        conn.calls.clear();
        conn.waiting.clear();
        device.unmapBuffer(conn.recvBuffer);
        device.unmapBuffer(conn.sendBuffer);
        connectionsReleased++;
        getContext().getLog().debug("released connection {}", conn.id);
    }

    // ---- completions ----

    private Behavior<Command> onCompletionsReady(long connectionId) {
        final ResponderConnection conn = connections.get(connectionId);
        if (conn != null) {
            drain(conn);
        }
        return this;
    }

    private void arm(ResponderConnection conn) {
        conn.sendCq.requestNotify();
        conn.recvCq.requestNotify();
    }

    /** Poll until empty, arm, poll again: a completion may land between the last poll and the arm. */
    private void drain(ResponderConnection conn) {
        while (true) {
            if (pollOnce(conn) > 0) {
                continue;
            }
            arm(conn);
            if (pollOnce(conn) == 0) {
                return;
            }
        }
    }

    private int pollOnce(ResponderConnection conn) {
        int n = 0;
        polled.clear();
        int got = conn.recvCq.poll(polled, POLL_BATCH);
        n += got;
        for (int i = 0; i < got; i++) {
            onRecvCompletion(conn, polled.get(i));
        }
        polled.clear();
        got = conn.sendCq.poll(polled, POLL_BATCH);
        n += got;
        for (int i = 0; i < got; i++) {
            onSendCompletion(conn, polled.get(i));
        }
        polled.clear();
        pump(conn);
        return n;
    }

    private void onRecvCompletion(ResponderConnection conn, WorkCompletion wc) {
        if (wc.status() != WcStatus.SUCCESS) {
            return; // flushed: the QP is broken and Disconnected will follow
        }
        final int slot = (int) wc.wrId();
        final byte[] message = new byte[wc.byteLen()];
        conn.recvBuffer.buffer().get(slot * conn.slotSize, message);
        try {
            conn.qp.postRecv(new RecvWr(slot, conn.recvBuffer.segment(slot * conn.slotSize, conn.slotSize)));
        } catch (VerbsException e) {
            getContext().getLog().debug("receive not re-posted on connection {}: {}", conn.id, e.getMessage());
        }
        try {
            onCall(conn, message);
        } catch (RuntimeException e) {
            // A bug reached by peer input must cost that connection, not the actor and every other connection.
            getContext().getLog().error("connection {}: handling a {}-byte message failed, disconnecting", conn.id,
                    message.length, e);
            dropConnection(conn);
        }
    }

    /** Disconnect a requester we will not serve; Disconnected then releases its resources. */
    private void dropConnection(ResponderConnection conn) {
        if (!conn.dropped) {
            conn.dropped = true;
            connectionsDropped++;
            conn.waiting.clear();
            conn.qp.disconnect();
        }
    }

    private void onSendCompletion(ResponderConnection conn, WorkCompletion wc) {
        conn.sqInUse--;
        final InboundCall call = conn.calls.get(wc.wrId() >>> KIND_BITS);
        if (call == null) {
            return;
        }
        final int kind = (int) (wc.wrId() & ((1 << KIND_BITS) - 1));
        call.outstandingWrs--;
        if (wc.status() != WcStatus.SUCCESS) {
            if (kind == KIND_READ && wc.status() != WcStatus.WR_FLUSH_ERR) {
                readFailures++;
            }
            if (wc.status() != WcStatus.WR_FLUSH_ERR) {
                getContext().getLog().warn("connection {}: {} of xid 0x{} failed with {}", conn.id, wc.opcode(),
                        Integer.toHexString(call.xid), wc.status());
            }
            call.failed = true;
        } else if (kind == KIND_READ) {
            bytesRead += wc.byteLen() > 0 ? wc.byteLen() : 0;
            if (--call.readsPending == 0 && !call.failed) {
                serve(conn, call);
            }
        }
        if (call.outstandingWrs == 0 && (kind == KIND_SEND || call.failed)) {
            finish(conn, call);
        }
    }

    private void finish(ResponderConnection conn, InboundCall call) {
        conn.calls.remove(call.id);
        if (call.sendSlot >= 0) {
            conn.freeSendSlots.add(call.sendSlot);
        }
        answered(conn, call);
        unmapAll(conn, call);
    }

    /** The call no longer counts against the requester's credits: its reply is posted, or it never will be. */
    private static void answered(ResponderConnection conn, InboundCall call) {
        if (!call.answered) {
            call.answered = true;
            conn.unanswered--;
        }
    }

    /** Map a buffer for one call, counted against its connection so the peak can be reported and checked. */
    private DmaBuffer mapFor(ResponderConnection conn, InboundCall call, int bytes) throws VerbsException {
        final DmaBuffer b = device.mapBuffer(ByteBuffer.allocateDirect(bytes));
        call.mapped.add(b);
        conn.mappedBytes += bytes;
        peakConnectionBytes = Math.max(peakConnectionBytes, conn.mappedBytes);
        return b;
    }

    private void unmap(ResponderConnection conn, InboundCall call, DmaBuffer b) {
        if (call.mapped.remove(b)) {
            device.unmapBuffer(b);
            conn.mappedBytes -= b.length();
        }
    }

    private void unmapAll(ResponderConnection conn, InboundCall call) {
        for (DmaBuffer b : call.mapped) {
            device.unmapBuffer(b);
            conn.mappedBytes -= b.length();
        }
        call.mapped.clear();
    }

    // ---- calls ----

    private void onCall(ResponderConnection conn, byte[] message) {
        if (conn.dropped) {
            return;
        }
        if (conn.unanswered >= 2 * settings.credits()) {
            getContext().getLog().warn("connection {}: {} calls unanswered with {} credits granted, disconnecting",
                    conn.id, conn.unanswered, settings.credits());
            dropConnection(conn);
            return;
        }
        final ByteBuffer in = ByteBuffer.wrap(message);
        final RpcRdmaHeader header;
        try {
            header = RpcRdmaCodec.decode(in, limits);
        } catch (RpcRdmaDecodeException e) {
            getContext().getLog().debug("connection {}: {}", conn.id, e.getMessage());
            headersRefused++;
            if (isOverLimit(e.reason())) {
                callsOverLimit++;
            }
            if (!e.xidKnown()) {
                messagesDropped++;
            }
            if (e.xidKnown()) {
                final RdmaErrorBody body = e.reason() == RpcRdmaDecodeException.Reason.BAD_VERSION
                        ? new RdmaErrorBody.ErrVers(RpcRdmaHeader.VERSION, RpcRdmaHeader.VERSION)
                        : new RdmaErrorBody.ErrChunk();
                replyError(conn, newCall(conn, e.xid(), null, new byte[0]), body);
            }
            return;
        }
        final byte[] inline = new byte[in.remaining()];
        in.get(inline);
        final InboundCall call = newCall(conn, header.xid(), header, inline);
        if (header.proc() == RdmaProc.RDMA_ERROR) {
            replyError(conn, call, new RdmaErrorBody.ErrChunk());
            return;
        }
        if (conn.unanswered > settings.credits()) {
            // RFC 8166 section 3.3.1: beyond the grant, an RPC-layer error; its chunks are never touched.
            callsOverCredit++;
            call.readPlan = ReadPlan.of(List.of());
            prepareReply(conn, call, RpcReply.error(ReplyStatus.SYSTEM_ERR));
            return;
        }
        call.readPlan = ReadPlan.of(header.readList());
        if (header.proc() == RdmaProc.RDMA_NOMSG && !call.readPlan.hasPositionZeroChunk()) {
            replyError(conn, call, new RdmaErrorBody.ErrChunk()); // RDMA_NOMSG call without its call
            return;
        }
        if (call.readPlan.pulls().isEmpty()) {
            serve(conn, call);
        } else {
            conn.waiting.add(call); // pulled by pump() once the send queue has room
        }
    }

    private InboundCall newCall(ResponderConnection conn, int xid, RpcRdmaHeader header, byte[] inline) {
        final InboundCall call = new InboundCall(conn.nextCallId++, xid, header, inline);
        conn.calls.put(call.id, call);
        conn.unanswered++;
        return call;
    }

    private static boolean isOverLimit(RpcRdmaDecodeException.Reason reason) {
        return switch (reason) {
            case READ_LIST_TOO_LONG, TOO_MANY_SEGMENTS, TOO_MANY_CHUNKS, SEGMENT_TOO_LONG -> true;
            default -> false;
        };
    }

    private boolean postReads(ResponderConnection conn, InboundCall call) {
        try {
            if (call.readPlan.totalLength() > settings.maxCallPayload()) {
                // The decoder already refused this; checked again because this is where memory is taken.
                throw new IllegalStateException("read chunks of " + call.readPlan.totalLength()
                        + " bytes passed the decoder's max-call-payload " + settings.maxCallPayload());
            }
            if (call.readPlan.totalLength() > 0) {
                call.readBuffer = mapFor(conn, call, call.readPlan.totalLength());
            }
            final List<SendWr> chain = new ArrayList<>();
            for (ReadPlan.Pull p : call.readPlan.pulls()) {
                final RdmaSegment s = p.segment().segment();
                if (s.length() == 0) {
                    continue;
                }
                chain.add(new SendWr.RdmaRead(wrId(call, KIND_READ), true,
                        List.of(call.readBuffer.segment(p.bufferOffset(), s.length())), s.offset(), s.handle()));
            }
            if (chain.isEmpty()) {
                serve(conn, call);
                return true;
            }
            call.readsPending = chain.size();
            return post(conn, call, chain);
        } catch (VerbsException e) {
            getContext().getLog().warn("connection {}: cannot map {} bytes for read chunks: {}", conn.id,
                    call.readPlan.totalLength(), e.getMessage());
            replyError(conn, call, new RdmaErrorBody.ErrChunk());
            return true;
        }
    }

    /** The call is complete in memory: decode its ONC header and run the program. */
    private void serve(ResponderConnection conn, InboundCall call) {
        final byte[] stream;
        if (call.readBuffer != null) {
            stream = call.readPlan.reassemble(call.inline, call.readBuffer.buffer());
            unmap(conn, call, call.readBuffer); // pulled and copied: the reply may need the memory
            call.readBuffer = null;
        } else {
            stream = call.readPlan == null ? call.inline : call.readPlan.reassemble(call.inline, new byte[0]);
        }
        final XdrDecoder d = XdrDecoder.of(stream);
        RpcReply reply;
        try {
            final RpcCallHeader header = RpcCallHeader.decode(d);
            final byte[] args = new byte[d.remaining()];
            d.buffer().get(args);
            calls++;
            try {
                reply = program.handle(new RpcCall(header, args));
            } catch (RuntimeException e) {
                getContext().getLog().warn("program failed on xid 0x{}: {}", Integer.toHexString(call.xid), e.toString());
                reply = RpcReply.error(ReplyStatus.SYSTEM_ERR);
            }
        } catch (RpcCallHeader.RpcVersionMismatch e) {
            reply = new RpcReply(ReplyStatus.RPC_MISMATCH, RpcCallHeader.RPC_VERSION, RpcCallHeader.RPC_VERSION,
                    null, null, 0);
        } catch (XdrException e) {
            garbageArgs++;
            reply = RpcReply.error(ReplyStatus.GARBAGE_ARGS);
        }
        if (settings.serviceTime().isZero()) {
            prepareReply(conn, call, reply);
        } else {
            timers.startSingleTimer(new TimerKey(conn.id, call.id), new ServiceTimeElapsed(conn.id, call.id, reply),
                    settings.serviceTime());
        }
    }

    private Behavior<Command> onServiceTimeElapsed(ServiceTimeElapsed m) {
        final ResponderConnection conn = connections.get(m.connectionId());
        final InboundCall call = conn == null ? null : conn.calls.get(m.callId());
        if (call != null && !call.failed) {
            prepareReply(conn, call, m.reply());
            pump(conn);
        }
        return this;
    }

    /** Decide how the reply travels: DDP item into the write chunk, inline or through the reply chunk. */
    private void prepareReply(ResponderConnection conn, InboundCall call, RpcReply reply) {
        final RpcRdmaHeader h = call.header;
        if (replyPayload(reply, h, conn) > settings.maxReplyPayload()) {
            repliesTooLarge++;
            getContext().getLog().warn("xid 0x{}: the program's reply needs more than max-reply-payload {} bytes"
                    + " of RDMA WRITE, answering SYSTEM_ERR", Integer.toHexString(call.xid),
                    settings.maxReplyPayload());
            reply = RpcReply.error(ReplyStatus.SYSTEM_ERR);
        }
        final List<SendWr> writes = new ArrayList<>();
        final List<WriteChunk> echoed = new ArrayList<>();
        long written = 0;
        final boolean ddpToChunk = reply.hasDdpData() && !h.writeList().isEmpty();
        try {
            for (int i = 0; i < h.writeList().size(); i++) {
                final byte[] data = ddpToChunk && i == 0 ? reply.ddpData() : new byte[0];
                if (data.length > h.writeList().get(i).totalLength()) {
                    getContext().getLog().debug("xid 0x{}: {} bytes of data do not fit the {}-byte write chunk",
                            Integer.toHexString(call.xid), data.length, h.writeList().get(i).totalLength());
                    replyError(conn, call, new RdmaErrorBody.ErrChunk());
                    return;
                }
                echoed.add(pushChunk(conn, call, h.writeList().get(i), data, writes));
                written += data.length;
            }
            final byte[] message = ReplyMessage.build(call.xid, reply, ddpToChunk);
            final RpcRdmaHeader inlineHeader = RpcRdmaHeader.msg(call.xid, settings.credits(), List.of(), echoed,
                    null);
            final byte[] send;
            if (RpcRdmaCodec.encodedSize(inlineHeader) + message.length <= conn.replyInlineLimit) {
                send = concat(RpcRdmaCodec.encode(inlineHeader), message);
            } else if (h.replyChunk() != null && h.replyChunk().totalLength() >= message.length) {
                final WriteChunk replyChunk = pushChunk(conn, call, h.replyChunk(), message, writes);
                written += message.length;
                send = RpcRdmaCodec.encode(RpcRdmaHeader.noMsg(call.xid, settings.credits(), List.of(), echoed,
                        replyChunk));
            } else {
                getContext().getLog().debug("xid 0x{}: a {}-byte reply exceeds the inline limit {} and the call has"
                        + " no reply chunk big enough", Integer.toHexString(call.xid), message.length,
                        conn.replyInlineLimit);
                replyError(conn, call, new RdmaErrorBody.ErrChunk());
                return;
            }
            final var handles = h.handles();
            final Integer invalidate = conn.remoteInvalidation && handles.size() == 1 ? handles.iterator().next()
                    : null;
            call.reply = new OutgoingReply(writes, send, invalidate, written, false);
            conn.waiting.add(call);
        } catch (VerbsException e) {
            getContext().getLog().warn("connection {}: cannot map reply data: {}", conn.id, e.getMessage());
            replyError(conn, call, new RdmaErrorBody.ErrChunk());
        }
    }

    /**
     * The bytes this reply would move by RDMA WRITE: its DDP item into the write chunk, plus the whole
     * message into the reply chunk when it cannot go inline. Computed before anything is mapped for it.
     */
    private long replyPayload(RpcReply reply, RpcRdmaHeader h, ResponderConnection conn) {
        final boolean ddpToChunk = reply.hasDdpData() && !h.writeList().isEmpty();
        final long ddp = ddpToChunk ? reply.ddpData().length : 0;
        final long message = ReplyMessage.size(reply, ddpToChunk);
        final int header = RpcRdmaCodec.encodedSize(RpcRdmaHeader.msg(h.xid(), settings.credits(), List.of(),
                h.writeList(), null));
        return ddp + (header + message <= conn.replyInlineLimit ? 0 : message);
    }

    /** RDMA WRITE {@code data} across the chunk's segments; the echo states the bytes each segment got. */
    private WriteChunk pushChunk(ResponderConnection conn, InboundCall call, WriteChunk chunk, byte[] data,
                                 List<SendWr> writes) throws VerbsException {
        DmaBuffer source = null;
        if (data.length > 0) {
            source = mapFor(conn, call, data.length);
            source.buffer().put(0, data);
        }
        final List<RdmaSegment> echo = new ArrayList<>();
        int at = 0;
        for (RdmaSegment s : chunk.segments()) {
            final int n = Math.min(s.length(), data.length - at);
            if (n > 0) {
                writes.add(new SendWr.RdmaWrite(wrId(call, KIND_WRITE), true, List.of(source.segment(at, n)),
                        s.offset(), s.handle()));
            }
            echo.add(new RdmaSegment(s.handle(), n, s.offset()));
            at += n;
        }
        return new WriteChunk(echo);
    }

    private void replyError(ResponderConnection conn, InboundCall call, RdmaErrorBody body) {
        unmapAll(conn, call);
        final byte[] send = RpcRdmaCodec.encode(RpcRdmaHeader.error(call.xid, settings.credits(), body));
        call.reply = new OutgoingReply(List.of(), send, null, 0, true);
        conn.waiting.add(call);
    }

    /** Post waiting work in order while the send queue has room and, for replies, a send slot is free. */
    private void pump(ResponderConnection conn) {
        while (!conn.waiting.isEmpty() && connections.containsKey(conn.id)) {
            final InboundCall call = conn.waiting.peek();
            if (call.reply == null) {
                if (conn.sqInUse + call.readPlan.pulls().size() > conn.sqCapacity) {
                    return;
                }
                conn.waiting.poll();
                if (!postReads(conn, call)) {
                    return;
                }
                continue;
            }
            if (conn.freeSendSlots.isEmpty() || conn.sqInUse + call.reply.wrCount() > conn.sqCapacity) {
                return;
            }
            conn.waiting.poll();
            call.sendSlot = conn.freeSendSlots.poll();
            final int offset = call.sendSlot * conn.slotSize;
            conn.sendBuffer.buffer().put(offset, call.reply.sendBytes());
            final var sgl = List.of(conn.sendBuffer.segment(offset, call.reply.sendBytes().length));
            final List<SendWr> chain = new ArrayList<>(call.reply.writes());
            chain.add(call.reply.invalidateRkey() == null ? new SendWr.Send(wrId(call, KIND_SEND), true, sgl)
                    : new SendWr.SendWithInv(wrId(call, KIND_SEND), true, sgl, call.reply.invalidateRkey()));
            if (!post(conn, call, chain)) {
                return;
            }
            answered(conn, call);
            countPosted(call.reply);
        }
    }

    /** Counted when posted, so the counters agree with what a requester has seen once its reply arrived. */
    private void countPosted(OutgoingReply reply) {
        bytesWritten += reply.bytesWritten();
        if (reply.invalidateRkey() != null) {
            remoteInvalidations++;
        }
        if (reply.rdmaError()) {
            errorsSent++;
        }
    }

    /** False when the QP refused the chain: it is broken, and Disconnected will release everything. */
    private boolean post(ResponderConnection conn, InboundCall call, List<SendWr> chain) {
        try {
            conn.qp.postSend(chain);
            conn.sqInUse += chain.size();
            call.outstandingWrs += chain.size();
            return true;
        } catch (PostSendException e) {
            conn.sqInUse += e.failedIndex();
            call.outstandingWrs += e.failedIndex();
            call.failed = true;
            // ENOTCONN: the QP broke and the requester will retransmit; anything else is worth a warning.
            if (e.errno() == io.frwr.verbs.Errno.ENOTCONN) {
                getContext().getLog().debug("connection {}: QP in ERROR, dropping the reply to xid 0x{}", conn.id,
                        Integer.toHexString(call.xid));
            } else {
                getContext().getLog().warn("connection {}: post failed, dropping xid 0x{}: {}", conn.id,
                        Integer.toHexString(call.xid), e.getMessage());
            }
            if (call.outstandingWrs == 0) {
                finish(conn, call);
            }
            conn.qp.moveToError();
            return false;
        }
    }

    private static long wrId(InboundCall call, int kind) {
        return (call.id << KIND_BITS) | kind;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- stats and shutdown ----

    private Behavior<Command> onGetStats(GetStats m) {
        m.replyTo().tell(new ResponderStats(calls, errorsSent, bytesRead, bytesWritten, remoteInvalidations,
                connectionsAccepted, connectionsReleased, connections.size(), headersRefused, callsOverLimit,
                messagesDropped, callsOverCredit, garbageArgs, repliesTooLarge, readFailures, connectionsDropped,
                peakConnectionBytes));
        return this;
    }

    private Behavior<Command> onPostStop() {
        listener.close();
        for (ResponderConnection conn : List.copyOf(connections.values())) {
            if (conn.qp != null) {
                conn.qp.disconnect();
            }
            release(conn);
        }
        return this;
    }
}
