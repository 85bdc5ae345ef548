package io.frwr.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.RdmaDevice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The passive endpoint: listen through the CM, accept every connect request, and give each accepted connection a
 * transport of its own with the protocol of {@link RdmaTransport} (Register, {@code Register.andSend}, Invalidate,
 * Send, Subscribe, GetDevice, Shutdown): the peer RDMA READs and WRITEs what that transport registered, under the same
 * FRWR rules, and Invalidate answers only when the peer can no longer reach the memory.
 *
 * <pre>
 * RdmaListener ─┬─ connection-1: RdmaTransport ─┬─ handler (the user's, made per connection)
 *               │                               ├─ MrPool ── Recovery
 *               │                               ├─ QueuePair actor
 *               │                               └─ PassiveConnection (the accepted QP; never remade)
 *               └─ connection-2: ...
 * </pre>
 *
 * <h2>Normal operation</h2>
 * For each request the listener spawns the connection's transport; the transport spawns the user's handler
 * ({@link Handler}, given an {@link Accepted} with the transport's ref) and subscribes it before it accepts, so the
 * handler sees {@link RdmaTransport.ConnectionUp} (with the peer's private data) and every message the peer SENDs,
 * from the first. The accepted QP's receives are posted in the CM callback, before the peer can SEND.
 *
 * <h2>Reconnect on the passive side</h2>
 * There is none, by design: the passive side has nowhere to connect to. A lost connection (the peer disconnected, a
 * remote access error, a retired protection domain) is drained exactly as on the active side; then that
 * connection's transport ends: requests waiting for a connection end with NOT_CONNECTED, the handler hears
 * {@link RdmaTransport.ConnectionDown} with {@code gaveUp = true}, and the transport shuts itself down (MR pool and
 * recovery flushed, every MR deregistered). From then on it stays as a tombstone answering STOPPED (and an
 * Invalidate fenced: nothing of it is reachable). Registrations made on a connection never outlive it. The listener
 * keeps accepting; when the peer connects again it gets a new transport and a new handler: per-connection state
 * lives in the handler.
 *
 * <h2>Ending a connection, and the listener</h2>
 * Stop the handler (return {@code Behaviors.stopped()}) to end its connection: the transport shuts down (drain,
 * deregister, disconnect: the peer sees it) and then stops, so requests sent to it afterwards are dead letters. Keep
 * the handler alive as long as anything may still talk to the connection's transport. {@link Shutdown} closes the
 * CM listener (later requests are rejected) and shuts every connection's transport down; its answer comes when all
 * have answered. The listener adds a task to CoordinatedShutdown's {@code service-unbind} phase that stops
 * accepting; each connection's transport adds its own shutdown task as any transport does, so {@code
 * system.terminate()} leaves no MR allocated and no rkey live. A listener stopped without Shutdown closes the CM
 * listener, and its connections clean up as any transport stopped by its parent (docs/safety.md).
 */
public final class RdmaListener {
    public interface Command { }

    /** Makes the handler of one accepted connection; it receives that connection's {@link RdmaTransport.Inbound}. */
    @FunctionalInterface
    public interface Handler {
        Behavior<RdmaTransport.Inbound> create(Accepted connection);
    }

    /**
     * One accepted connection.
     *
     * @param id            1, 2, ... in the order of acceptance
     * @param remoteAddress the peer's CM address
     * @param privateData   what the peer sent with its connect request
     * @param transport     this connection's transport: Register, Invalidate, Send, ... as on the active side
     */
    public record Accepted(long id, String remoteAddress, byte[] privateData,
                           ActorRef<RdmaTransport.Command> transport) {
        public Accepted {
            privateData = privateData.clone();
        }

        @Override
        public byte[] privateData() {
            return privateData.clone();
        }
    }

    /** The device it listens on: map buffers on it to register them with the connections' transports. */
    public record GetDevice(ActorRef<RdmaDevice> replyTo) implements Command { }

    /**
     * The transports that have not stopped, oldest first (a lost connection's tombstone counts until its handler
     * stops), and how many connections were accepted in all.
     */
    public record GetConnections(ActorRef<Connections> replyTo) implements Command { }

    public record Connections(List<ActorRef<RdmaTransport.Command>> transports, long accepted) { }

    /** Stop accepting and shut every connection's transport down. */
    public record Shutdown(ActorRef<ShutdownComplete> replyTo) implements Command { }

    /** @param accepted connections accepted in all; {@code shutDown} of them were shut down by this Shutdown */
    public record ShutdownComplete(long accepted, int shutDown) { }

    private record Requested(ConnectRequest request) implements Command { }

    private record ConnectionEnded(long id) implements Command { }

    private record ConnectionShutDown(long id) implements Command { }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private RdmaListener() {
    }

    /** A listener whose connections' recovery runs on a thread pool of the listener's own. */
    public static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ListenSpec spec,
                                           Handler handler) {
        return create(settings, device, spec, handler, null);
    }

    /**
     * A listener on {@code device} at {@code spec.address()}; each accepted connection's transport is made with
     * {@code settings} (an MR pool of {@code mr-pool.size} per connection) and runs blocking verbs on
     * {@code blockingVerbs}, which the caller keeps owning ({@link FrwrTransport} passes its own); with {@code null}
     * the listener makes a pool of {@code recovery.parallelism} daemon threads that all its connections share.
     * If the address cannot be listened at, spawning fails with the provider's message.
     */
    public static Behavior<Command> create(TransportSettings settings, RdmaDevice device, ListenSpec spec,
                                           Handler handler, ExecutorService blockingVerbs) {
        return Behaviors.setup(ctx -> {
            final ActorRef<Command> self = ctx.getSelf();
            final ExecutorService executor = blockingVerbs != null ? blockingVerbs
                    : Executors.newFixedThreadPool(settings.recovery().parallelism(), daemonThreads(
                            "frwr-listener-" + INSTANCES.incrementAndGet() + "-"));
            final ConnectionManager.Listener cm = device.connectionManager().listen(spec.address(),
                    req -> self.tell(new Requested(req)));
            final AtomicBoolean unbound = new AtomicBoolean();
            final akka.actor.Cancellable unbind = akka.actor.CoordinatedShutdown.get(ctx.getSystem())
                    .addCancellableTask(akka.actor.CoordinatedShutdown.PhaseServiceUnbind(),
                            "frwr-listener-unbind " + spec.address(), () -> {
                                if (unbound.compareAndSet(false, true)) {
                                    cm.close();
                                }
                                return CompletableFuture.completedFuture(akka.Done.getInstance());
                            });
            ctx.getLog().info("listening at {} on {}", spec.address(), device.attributes().name());
            return new Listening(ctx, settings, device, spec, handler, executor, blockingVerbs == null, cm, unbound,
                    unbind).behavior();
        });
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static final class Listening {
        private final ActorContext<Command> ctx;
        private final TransportSettings settings;
        private final RdmaDevice device;
        private final ListenSpec spec;
        private final Handler handler;
        private final ExecutorService executor;
        private final boolean ownsExecutor;
        private final ConnectionManager.Listener cm;
        private final AtomicBoolean unbound;
        private final akka.actor.Cancellable unbindTask;
        private final Map<Long, ActorRef<RdmaTransport.Command>> live = new java.util.LinkedHashMap<>();
        private final Map<Long, Once> requests = new java.util.HashMap<>();
        private final List<ActorRef<ShutdownComplete>> shutdownReplyTo = new ArrayList<>();
        private final java.util.Set<Long> shuttingDown = new java.util.HashSet<>();
        private ShutdownComplete finished;
        private int shutDown;
        private long accepted;

        Listening(ActorContext<Command> ctx, TransportSettings settings, RdmaDevice device, ListenSpec spec,
                  Handler handler, ExecutorService executor, boolean ownsExecutor, ConnectionManager.Listener cm,
                  AtomicBoolean unbound, akka.actor.Cancellable unbindTask) {
            this.ctx = ctx;
            this.settings = settings;
            this.device = device;
            this.spec = spec;
            this.handler = handler;
            this.executor = executor;
            this.ownsExecutor = ownsExecutor;
            this.cm = cm;
            this.unbound = unbound;
            this.unbindTask = unbindTask;
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Requested.class, m -> onRequested(m.request()))
                    .onMessage(ConnectionEnded.class, m -> {
                        live.remove(m.id());
                        requests.remove(m.id()).rejectIfUnanswered(); // its transport failed before accepting
                        return onShutDown(m.id());
                    })
                    .onMessage(ConnectionShutDown.class, m -> onShutDown(m.id()))
                    .onMessage(GetDevice.class, m -> {
                        m.replyTo().tell(device);
                        return Behaviors.same();
                    })
                    .onMessage(GetConnections.class, m -> {
                        m.replyTo().tell(new Connections(List.copyOf(live.values()), accepted));
                        return Behaviors.same();
                    })
                    .onMessage(Shutdown.class, this::onShutdown)
                    .onSignal(PostStop.class, s -> {
                        unbindTask.cancel();
                        unbind();
                        if (ownsExecutor) {
                            executor.shutdown(); // not shutdownNow: queued recovery jobs still deregister their MRs
                        }
                        return Behaviors.same();
                    })
                    .build();
        }

        private Behavior<Command> onRequested(ConnectRequest request) {
            if (unbound.get() || !shutdownReplyTo.isEmpty()) {
                request.reject(new byte[0]);
                return Behaviors.same();
            }
            final long id = ++accepted;
            final Once once = new Once(request);
            requests.put(id, once);
            final String peer = request.remoteAddress();
            final byte[] peerData = request.privateData();
            final ConnectionSpec connection = new ConnectionSpec(peer == null || peer.isEmpty() ? "peer-" + id : peer,
                    null, spec.receiveBufferSize());
            final ActorRef<RdmaTransport.Command> transport = ctx.spawn(RdmaTransport.create(settings, device,
                    connection, executor, PassiveConnection.side(once, spec.privateData(),
                            t -> handler.create(new Accepted(id, peer, peerData, t)))), "connection-" + id);
            ctx.watchWith(transport, new ConnectionEnded(id));
            live.put(id, transport);
            return Behaviors.same();
        }

        private Behavior<Command> onShutdown(Shutdown m) {
            if (finished != null) {
                m.replyTo().tell(finished);
                return Behaviors.same();
            }
            shutdownReplyTo.add(m.replyTo());
            if (shutdownReplyTo.size() == 1) {
                unbind();
                // Bounded as CoordinatedShutdown bounds a transport's task; a transport that cannot finish in time
                // is counted as done here and cleans up when the listener stops it.
                final Duration bound = settings.coordinatedShutdownTimeout();
                for (Map.Entry<Long, ActorRef<RdmaTransport.Command>> e : live.entrySet()) {
                    final long id = e.getKey();
                    shuttingDown.add(id);
                    ctx.ask(RdmaTransport.ShutdownComplete.class, e.getValue(), bound, RdmaTransport.Shutdown::new,
                            (done, failure) -> new ConnectionShutDown(id));
                }
                maybeFinished();
            }
            return Behaviors.same();
        }

        private Behavior<Command> onShutDown(long id) {
            if (shuttingDown.remove(id)) {
                shutDown++;
                maybeFinished();
            }
            return Behaviors.same();
        }

        private void maybeFinished() {
            if (finished == null && !shutdownReplyTo.isEmpty() && shuttingDown.isEmpty()) {
                finished = new ShutdownComplete(accepted, shutDown);
                ctx.getLog().info("listener at {} shut down: {} connections accepted", spec.address(), accepted);
                shutdownReplyTo.forEach(r -> r.tell(finished));
            }
        }

        private void unbind() {
            if (unbound.compareAndSet(false, true)) {
                cm.close();
            }
        }
    }

    /** A connect request answered exactly once: a transport that fails before it accepts leaves it to be rejected. */
    private static final class Once implements ConnectRequest {
        private final ConnectRequest request;
        private final AtomicBoolean answered = new AtomicBoolean();

        Once(ConnectRequest request) {
            this.request = request;
        }

        @Override
        public String remoteAddress() {
            return request.remoteAddress();
        }

        @Override
        public byte[] privateData() {
            return request.privateData();
        }

        @Override
        public io.frwr.verbs.QueuePair accept(io.frwr.verbs.ConnectParams params, io.frwr.verbs.CmEventHandler handler)
                throws io.frwr.verbs.VerbsException {
            answered.set(true);
            try {
                return request.accept(params, handler);
            } catch (io.frwr.verbs.VerbsException | RuntimeException e) {
                answered.set(false); // accept failed: the request still wants an answer, a reject
                throw e;
            }
        }

        @Override
        public void reject(byte[] privateData) {
            if (answered.compareAndSet(false, true)) {
                request.reject(privateData);
            }
        }

        void rejectIfUnanswered() {
            reject(new byte[0]);
        }
    }
}
