package io.frwr.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.verbs.Segment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Async driver of the FRWR cycle through the actor pipeline: Register one chunk, the responder RDMA WRITEs
 * it ({@link PeerWriter}), Invalidate, and the cycle ends at Invalidated (LOCAL_INV completed). Keeps
 * {@code inflight} cycles outstanding, each on its own chunk.
 */
final class TransportCycleDriver extends AbstractBehavior<TransportCycleDriver.Command> {
    interface Command { }

    record Run(int calls, int inflight, CompletableFuture<Integer> done) implements Command { }

    private record RegisterReply(RdmaTransport.RegisterReply reply) implements Command { }

    private record InvalidatedReply(RdmaTransport.Invalidated reply) implements Command { }

    private record Inbound(RdmaTransport.Inbound message) implements Command { }

    private final ActorRef<RdmaTransport.Command> transport;
    private final PeerWriter peer;
    private final List<Segment> chunks;
    private final CompletableFuture<Long> connected;
    private final ActorRef<RdmaTransport.RegisterReply> registerAdapter;
    private final ActorRef<RdmaTransport.Invalidated> invalidateAdapter;
    private final Map<Long, Integer> chunkOfRegistration = new HashMap<>();
    private CallWindow window;

    private TransportCycleDriver(ActorContext<Command> ctx, ActorRef<RdmaTransport.Command> transport,
                                 PeerWriter peer, List<Segment> chunks, CompletableFuture<Long> connected) {
        super(ctx);
        this.transport = transport;
        this.peer = peer;
        this.chunks = chunks;
        this.connected = connected;
        this.registerAdapter = ctx.messageAdapter(RdmaTransport.RegisterReply.class, RegisterReply::new);
        this.invalidateAdapter = ctx.messageAdapter(RdmaTransport.Invalidated.class, InvalidatedReply::new);
        transport.tell(new RdmaTransport.Subscribe(ctx.messageAdapter(RdmaTransport.Inbound.class, Inbound::new)));
    }

    /** {@code connected} completes with the epoch of the first ConnectionUp; one chunk per in-flight cycle. */
    static Behavior<Command> create(ActorRef<RdmaTransport.Command> transport, PeerWriter peer, List<Segment> chunks,
                                    CompletableFuture<Long> connected) {
        return Behaviors.setup(ctx -> new TransportCycleDriver(ctx, transport, peer, List.copyOf(chunks),
                connected));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Run.class, this::onRun)
                .onMessage(RegisterReply.class, this::onRegisterReply)
                .onMessage(InvalidatedReply.class, this::onInvalidated)
                .onMessage(Inbound.class, this::onInbound)
                .build();
    }

    private Behavior<Command> onRun(Run r) {
        if (r.inflight() > chunks.size()) {
            r.done().completeExceptionally(new IllegalArgumentException("inflight " + r.inflight()
                    + " exceeds the " + chunks.size() + " chunks the driver was given"));
            return this;
        }
        window = new CallWindow(r.calls(), r.inflight(), r.done());
        for (int i = window.opening() - 1; i >= 0; i--) {
            register(i);
        }
        return this;
    }

    private void register(int chunk) {
        transport.tell(new RdmaTransport.Register(List.of(ChunkRequest.of(Direction.PEER_WRITES, chunks.get(chunk))),
                chunk, registerAdapter));
    }

    private Behavior<Command> onRegisterReply(RegisterReply m) {
        if (m.reply() instanceof RdmaTransport.Registered ok) {
            final Registration reg = ok.registration();
            chunkOfRegistration.put(reg.id(), (int) ok.cookie());
            try {
                peer.write(reg.chunk(0).get(0));
            } catch (IllegalStateException e) {
                window.fail(e.getMessage());
                return this;
            }
            transport.tell(RdmaTransport.Invalidate.of(reg, invalidateAdapter));
        } else if (m.reply() instanceof RdmaTransport.RegisterFailed failed) {
            window.fail("Register failed: " + failed.error());
        }
        return this;
    }

    private Behavior<Command> onInvalidated(InvalidatedReply m) {
        final Integer chunk = chunkOfRegistration.remove(m.reply().registration().id());
        if (!m.reply().fenced() || chunk == null) {
            window.fail("Invalidated without a fence or for an unknown registration: " + m.reply());
            return this;
        }
        if (window.finishOne()) {
            register(chunk);
        }
        return this;
    }

    private Behavior<Command> onInbound(Inbound m) {
        if (m.message() instanceof RdmaTransport.ConnectionUp up) {
            connected.complete(up.epoch());
        }
        return this;
    }
}
