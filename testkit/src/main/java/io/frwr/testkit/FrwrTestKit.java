package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.ConnectionSpec;
import io.frwr.actors.Direction;
import io.frwr.actors.MessageBuilder;
import io.frwr.actors.MrAudit;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.Registration;
import io.frwr.actors.TransportCounters;
import io.frwr.actors.TransportEvent;
import io.frwr.config.TransportSettings;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.ClientStats;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.rpc.client.RpcRdmaClient;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.RpcRdmaResponder;
import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimCosts;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A transport on a seeded, STEPPED simulated fabric under an ActorTestKit with ManualTime: nothing happens
 * on the wire and no timer fires unless the test says so, so a test, and a seed of the soak, replays exactly.
 *
 * <pre>{@code
 * try (FrwrTestKit kit = FrwrTestKit.builder().seed(42).withNfsResponder().withRpcClient().build()) {
 *     kit.awaitConnected();
 *     CallResult r = kit.callAndAwait(NfsClient.getattr(kit.file()));
 *     kit.invariants().assertAll();
 * }
 * }</pre>
 *
 * <h2>Determinism</h2>
 * The test thread is the only one that steps the fabric, and it steps only at quiescent points: every actor
 * mailbox empty (the default dispatcher's tasks are counted, {@link DispatcherActivity}) and MR recovery,
 * which runs on its own executor, finished or waiting for a timer. So no actor posts a WR while the fabric
 * picks its next event, and one seed gives one {@link #trace()}.
 */
public final class FrwrTestKit implements AutoCloseable {
    /** Where the client connects; the server endpoint listens here. */
    public static final String SERVER = "server";
    /** Settings that keep runs short and deterministic; anything given to the builder overrides them. */
    public static final String BASE_CONFIG = "frwr-transport {\n"
            + " mr-pool.size = 16\n mr-pool.max-frmr-depth = 16\n recovery.parallelism = 1\n"
            + " send-queue.depth = 128\n send-queue.signal-interval = 8\n receive-queue.depth = 32\n"
            + " connection.reconnect { min-backoff = 100ms, max-backoff = 400ms, random-factor = 0 }\n"
            + " recovery { restart-backoff-min = 100ms, restart-backoff-max = 200ms,"
            + " retry-backoff-min = 10ms, retry-backoff-max = 100ms }\n"
            + " connection.drain-timeout = 2s\n}\n";
    /** Real-time bound on any one wait; only a hang guard, never what a test measures. */
    public static final Duration HANG_GUARD = Duration.ofSeconds(30);
    /** Manual time {@link #close()} gives each transport's orderly Shutdown before it stops the actors. */
    public static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(120);
    private static final Duration TICK = Duration.ofMillis(10);
    private static final int MAX_EVENTS_PER_RUN = 1_000_000;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final ActorTestKit kit;
    private final boolean ownsKit;
    private final DispatcherActivity activity;
    private final ManualTime time;
    private final ManualClock clock;
    private final SimFabric fabric;
    private final SimDevice client;
    private final SimDevice server;
    private final KitTransport primary;
    private final List<KitTransport> transports = new CopyOnWriteArrayList<>();
    private final ActorRef<RpcRdmaClient.Command> rpcClient;
    private final ClientSettings clientSettings;
    private final ActorRef<RpcRdmaResponder.Command> responder;
    private final InMemoryExport export;
    private final MisbehavingResponder misbehaving;
    private final BareServer bareServer;
    private final Peer peer;
    private final FaultInjector faults;
    private final String name;
    private Burst burst;
    private boolean closed;
    private final List<TestProbe<?>> probes = new java.util.ArrayList<>();
    private final List<Interceptor> interceptors = new java.util.ArrayList<>();

    private FrwrTestKit(Builder b) throws VerbsException {
        name = "frwr-" + NAMES.incrementAndGet();
        if (b.actorTestKit != null) {
            kit = b.actorTestKit;
            ownsKit = false;
        } else {
            kit = newActorTestKit("frwr-testkit");
            ownsKit = true;
        }
        activity = activityOf(kit);
        time = ManualTime.get(kit.system());
        clock = new ManualClock(kit);
        fabric = SimFabric.builder().seed(b.seed).mode(SimMode.STEPPED).attributes(b.attributes).costs(b.costs)
                .trace(true).build();
        client = fabric.endpoint("client");
        server = fabric.endpoint(SERVER);
        fabric.setWireTap(m -> {
            for (KitTransport t : transports) {
                t.ledger().onWire(m);
            }
        });
        final TransportSettings settings = settingsOf(b.transportConfig);
        clientSettings = b.clientSettings;
        primary = new KitTransport(this, name, client, settings, clientSettings != null
                ? clientSettings.connectionSpec(SERVER) : ConnectionSpec.to(SERVER), true);
        transports.add(primary);
        faults = new FaultInjector(fabric.faults(), client, SERVER, primary.observed());
        rpcClient = clientSettings == null ? null
                : kit.spawn(RpcRdmaClient.create(primary.ref(), client, clientSettings), name + "-client");
        if (b.responderSettings != null) {
            export = new InMemoryExport(7, 1 << 22);
            responder = kit.spawn(RpcRdmaResponder.create(server, SERVER, b.responderSettings,
                    new NfsProgram(export)), name + "-responder");
            misbehaving = null;
            bareServer = null;
        } else if (b.misbehaving) {
            export = null;
            responder = null;
            misbehaving = new MisbehavingResponder(server, SERVER);
            bareServer = null;
        } else {
            export = null;
            responder = null;
            misbehaving = null;
            bareServer = new BareServer(server, SERVER);
        }
        peer = bareServer == null ? null : new Peer(this, bareServer);
        for (Builder.Extra e : b.extra) {
            addTransport(e.name(), e.hocon());
        }
        settle();
    }

    private static TransportSettings settingsOf(String hocon) {
        return TransportSettings.fromConfig(ConfigFactory.parseString(BASE_CONFIG + hocon)
                .withFallback(ConfigFactory.load()));
    }

    /** A builder with the defaults: a transport and a bare peer, seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a kit; the defaults are a transport with a bare accepting server, seed 0. */
    public static final class Builder {
        private long seed;
        private String transportConfig = "";
        private DeviceAttributes attributes = SimFabric.DEFAULT_ATTRIBUTES;
        private ClientSettings clientSettings;
        private ResponderSettings responderSettings;
        private boolean misbehaving;
        private ActorTestKit actorTestKit;
        private SimCosts costs = SimCosts.NONE;
        private final List<Extra> extra = new ArrayList<>();

        /** A transport added at build time ({@link #secondTransport}). */
        private record Extra(String name, String hocon) { }

        private Builder() {
        }

        /**
         * What MR allocation, deregistration, FAST_REG and bytes cost on the fabric, in its virtual time
         * (default: nothing), e.g. to make a deregistration take longer than the drain.
         */
        public Builder costs(SimCosts costs) {
            this.costs = Objects.requireNonNull(costs, "costs");
            return this;
        }

        /**
         * Also run a second transport, on its own device {@code name} of the same fabric and connected to the
         * same server, with {@code hocon} over {@link #BASE_CONFIG}; {@link FrwrTestKit#transport(String)}
         * finds it. Lets a test hand one transport's registration or memory to the other.
         */
        public Builder secondTransport(String name, String hocon) {
            extra.add(new Extra(Objects.requireNonNull(name, "name"), Objects.requireNonNull(hocon, "hocon")));
            return this;
        }

        /** Every random choice of the fabric (tie-breaks, breakRandomQp) derives from this seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** HOCON overriding {@link #BASE_CONFIG}, e.g. {@code "frwr-transport.mr-pool.size = 4"}. */
        public Builder transportConfig(String hocon) {
            this.transportConfig = Objects.requireNonNull(hocon, "hocon");
            return this;
        }

        /** Device limits of both endpoints (page size, page-list depth, max_qp_wr, max MRs). */
        public Builder deviceAttributes(DeviceAttributes attributes) {
            this.attributes = Objects.requireNonNull(attributes, "attributes");
            return this;
        }

        /** Also spawn an RpcRdmaClient over the transport (see {@link #call}). */
        public Builder withRpcClient(ClientSettings settings) {
            this.clientSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** An RPC client with the default settings and a 10 s call timeout. */
        public Builder withRpcClient() {
            return withRpcClient(ClientSettings.defaults().withCallTimeout(Duration.ofSeconds(10)));
        }

        /** The server endpoint runs the RFC 8166 responder serving NFSv3 from {@link #export()}. */
        public Builder withNfsResponder(ResponderSettings settings) {
            this.responderSettings = Objects.requireNonNull(settings, "settings");
            this.misbehaving = false;
            return this;
        }

        /** The NFS responder with its default settings. */
        public Builder withNfsResponder() {
            return withNfsResponder(ResponderSettings.defaults());
        }

        /** The server endpoint runs a {@link MisbehavingResponder} (see {@link #misbehavingResponder()}). */
        public Builder withMisbehavingResponder() {
            this.misbehaving = true;
            this.responderSettings = null;
            return this;
        }

        /**
         * Share one actor system between kits (the soak does, to save its start-up per seed); it must come
         * from {@link #newActorTestKit}. The kit then leaves it running at close.
         */
        public Builder actorTestKit(ActorTestKit kit) {
            this.actorTestKit = Objects.requireNonNull(kit, "kit");
            return this;
        }

        /** Start the fabric, the transport(s) and the server end; the kit still has to connect. */
        public FrwrTestKit build() {
            try {
                return new FrwrTestKit(this);
            } catch (VerbsException e) {
                throw new IllegalStateException("could not set up the simulated fabric: " + e.getMessage(), e);
            }
        }
    }

    /**
     * An ActorTestKit with ManualTime whose default dispatcher counts its tasks, which the kit needs to step
     * only at quiescent points. Shut it down with {@code shutdownTestKit()} when it is shared. The dispatcher
     * has one thread: actors then run one at a time in the order their messages were sent, so two actors
     * that message the same third one (the pool's replies and a client's sends both reach the QueuePair
     * actor) interleave the same way on every run, and a seed replays. Akka's internal dispatcher is an alias
     * of it: a TestProbe's actor is started by the system guardian, which runs there, and a reply sent to a
     * probe before it started waits in the probe until then; counted, that start cannot outlast a settle.
     */
    public static ActorTestKit newActorTestKit(String systemName) {
        final String id = UUID.randomUUID().toString();
        DispatcherActivity.register(id);
        final Config config = ConfigFactory.parseString(
                "akka.actor.default-dispatcher { executor = \"" + QuiescentExecutorConfigurator.class.getName()
                        + "\"\n " + QuiescentExecutorConfigurator.ID_KEY + " = \"" + id + "\"\n frwr-testkit-threads = 1\n"
                        + " throughput = 5 }\n"
                        + "akka.actor.internal-dispatcher = \"akka.actor.default-dispatcher\"\n"
                        + "frwr-testkit.activity-id = \"" + id + "\"\n")
                .withFallback(ManualTime.config()).withFallback(ConfigFactory.load());
        return ActorTestKit.create(systemName, config);
    }

    private static DispatcherActivity activityOf(ActorTestKit kit) {
        final Config c = kit.system().settings().config();
        if (!c.hasPath("frwr-testkit.activity-id")) {
            throw new IllegalArgumentException("the ActorTestKit was not made by FrwrTestKit.newActorTestKit:"
                    + " its dispatcher cannot report when the actors are idle");
        }
        return DispatcherActivity.lookup(c.getString("frwr-testkit.activity-id"));
    }

    // ---- driving the fabric and the clock ----------------------------------------------------------------

    /** Execute the next fabric event (if any), then wait until the consequences settled. */
    public boolean step() {
        requireNoBurst("step");
        settle();
        final boolean ran = fabric.step();
        settle();
        return ran;
    }

    /**
     * Step until no fabric event is pending; returns how many ran. When it returns every actor is idle, so a
     * reply that was sent to any TestProbe, one made a moment ago included, is in that probe.
     */
    public int runUntilQuiet() {
        requireNoBurst("runUntilQuiet");
        settle();
        int n = 0;
        while (n < MAX_EVENTS_PER_RUN && fabric.step()) {
            n++;
            settle();
        }
        if (n == MAX_EVENTS_PER_RUN) {
            throw new IllegalStateException("the fabric did not go quiet within " + MAX_EVENTS_PER_RUN
                    + " events: something posts forever");
        }
        return n;
    }

    /**
     * Step one fabric event at a time until {@code condition} holds at a quiescent point, so a test can act
     * (inject a fault, disconnect) exactly between two events. Returns false if the fabric went quiet first.
     */
    public boolean stepUntil(BooleanSupplier condition) {
        requireNoBurst("stepUntil");
        settle();
        int n = 0;
        while (!condition.getAsBoolean()) {
            if (n++ == MAX_EVENTS_PER_RUN || !step()) {
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    /** Send WRs of {@code opcode} the transport has posted so far (all connections), e.g. LOCAL_INV. */
    public long postedWrs(Opcode opcode) {
        return primary.postedWrs(opcode);
    }

    /** Let manual time pass (timers fire, slowed device calls come due), then settle. Runs the fabric until quiet first. */
    public void advance(Duration d) {
        requireNoBurst("advance");
        runUntilQuiet();
        tick(d);
    }

    /**
     * Run the fabric until quiet and let time pass in small ticks until {@code probe} has a message, which
     * must be a {@code type}. Fails after {@code virtualLimit} of manual time.
     */
    public <T, M extends T> M await(TestProbe<T> probe, Class<M> type, Duration virtualLimit) {
        requireNoBurst("await");
        long waited = 0;
        while (true) {
            runUntilQuiet();
            final T m = poll(probe);
            if (m != null) {
                if (!type.isInstance(m)) {
                    throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
                }
                return type.cast(m);
            }
            if (waited >= virtualLimit.toNanos()) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + virtualLimit.toMillis()
                        + " ms of manual time (seed " + fabric.seed() + ")");
            }
            tick(TICK);
            waited += TICK.toNanos();
        }
    }

    /** {@link #await(TestProbe, Class, Duration)} with a limit of 120 s of manual time. */
    public <T, M extends T> M await(TestProbe<T> probe, Class<M> type) {
        return await(probe, type, Duration.ofSeconds(120));
    }

    /** The probe's next message if one is there now, else null. Settled kits need no waiting. */
    static <T> T poll(TestProbe<T> probe) {
        try {
            return probe.receiveMessage(Duration.ZERO);
        } catch (AssertionError e) {
            return null;
        }
    }

    /** Step and let time pass in ticks until {@code condition} holds; fails after 120 s of manual time. */
    void awaitCondition(BooleanSupplier condition, String failure) {
        requireNoBurst("await");
        long waited = 0;
        while (!condition.getAsBoolean()) {
            if (waited > CONNECT_LIMIT.toNanos()) {
                throw new AssertionError(failure + " within " + CONNECT_LIMIT.toSeconds() + " s of manual time"
                        + " (seed " + fabric.seed() + ")");
            }
            runUntilQuiet();
            if (condition.getAsBoolean()) {
                return;
            }
            tick(TICK);
            waited += TICK.toNanos();
        }
    }

    private void tick(Duration d) {
        clock.advance(d);
        for (KitTransport t : transports) {
            t.deviceControl().timeAdvanced();
        }
        settle();
    }

    /** Manual time in milliseconds (what a slowed device call is due by). */
    long manualMillis() {
        return clock.nowMillis();
    }

    void settleNow() {
        settle();
    }

    /**
     * Wait for quiescence: no dispatcher task, fault steps applied, the misbehaving responder pumped, and
     * every MR allocation and deregistration done, or parked on a retry timer or a {@link DeviceControl}
     * hold (which only manual time or the test can end).
     */
    private void settle() {
        final long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (true) {
            activity.awaitIdle(HANG_GUARD);
            final boolean acted = faults.applyReady() | pump();
            if (acted || !activity.isIdle()) {
                continue;
            }
            // Recovery's blocking verbs run on each transport's one verbs thread, one task at a time, started
            // here at quiescent points. A running task is waited for, unless the DeviceControl holds it (only the
            // test or manual time can end that). No guessing from elapsed time.
            boolean recovering = false;
            for (KitTransport t : transports) {
                if (t.verbsRunning() && t.deviceControl().heldCalls() == 0) {
                    recovering = true;
                }
            }
            if (!recovering) {
                // A task sends its actor the result before it counts itself done: look at the actors again,
                // after the verbs threads, so that message is not missed; then start the next task, if any.
                if (!activity.isIdle()) {
                    continue;
                }
                boolean started = false;
                for (KitTransport t : transports) {
                    started |= t.startNextVerbsTask();
                }
                if (!started) {
                    return;
                }
                continue;
            }
            final long now = System.nanoTime();
            if (now > deadline) {
                final StringBuilder why = new StringBuilder();
                for (KitTransport t : transports) {
                    why.append("; ").append(t.name()).append(": ").append(t.eventLog().recoveriesOutstanding())
                            .append(" MRs outstanding, a verbs task ").append(t.verbsRunning() ? "running" : "idle")
                            .append(", ").append(t.deviceControl().heldCalls()).append(" held");
                }
                throw new IllegalStateException("MR recovery did not finish within " + HANG_GUARD + " (seed "
                        + fabric.seed() + why + ")");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private boolean pump() {
        if (misbehaving == null) {
            return false;
        }
        misbehaving.pump();
        return false;
    }

    // ---- bursts ----------------------------------------------------------------------------------------

    /**
     * Open a {@link Burst}: until it is closed, the kit's wrappers queue their requests instead of sending
     * and settling, and closing it sends them all before any actor runs. Deterministic (see {@link Burst}).
     */
    public Burst burst() {
        requireNoBurst("burst");
        settle();
        burst = new Burst(this);
        return burst;
    }

    /** A wrapper's request: sent and settled now, or kept for the open burst. */
    /**
     * A probe for one reply, stopped when the kit closes: on an ActorTestKit shared between kits (the soak) a
     * probe lives as long as the system, and the replies it holds reference the kit's MRs and its fabric.
     */
    <T> TestProbe<T> probe(Class<T> type) {
        final TestProbe<T> p = kit.createTestProbe(type);
        probes.add(p);
        return p;
    }

    /**
     * An actor that waits for one reply and then stops; one whose reply never comes (the SEND of a failed
     * Register.andSend) is stopped at close, since it holds the kit's books and through them its fabric.
     */
    void trackInterceptor(ActorRef<?> ref, java.util.concurrent.atomic.AtomicBoolean answered) {
        interceptors.removeIf(i -> i.answered().get());
        interceptors.add(new Interceptor(ref, answered));
    }

    private record Interceptor(ActorRef<?> ref, java.util.concurrent.atomic.AtomicBoolean answered) { }

    void request(Runnable tell) {
        if (closed) {
            throw new IllegalStateException("the kit is closed");
        }
        if (burst != null) {
            burst.add(tell);
            return;
        }
        tell.run();
        settle(); // the test thread must not race the dispatcher: requests go in one at a time, so a seed replays
    }

    void sendBurst(Burst b, List<Runnable> tells) {
        if (burst != b) {
            return;
        }
        burst = null;
        settle();
        activity.gate();
        try {
            tells.forEach(Runnable::run);
        } finally {
            activity.release();
        }
        settle();
    }

    private void requireNoBurst(String what) {
        if (burst != null) {
            throw new IllegalStateException(what + " inside a burst: its requests are not sent yet; close the"
                    + " burst first");
        }
    }

    // ---- the transport ---------------------------------------------------------------------------------

    /** Step and let time pass until the transport's QP is in RTS (and the RPC client saw it, if any). */
    public void awaitConnected() {
        awaitCondition(() -> primary.connectedQp() != null && (rpcClient == null || clientStats().epoch() != 0),
                "the transport did not connect");
    }

    /** The client's QP in RTS, or null. */
    public QueuePair connectedQp() {
        return primary.connectedQp();
    }

    /** Every QP the transport was given, in connection order. */
    public List<QueuePair> clientQueuePairs() {
        return primary.queuePairs();
    }

    /** Map {@code length} bytes of fresh client memory. */
    public Segment memory(int length) {
        return primary.memory(length);
    }

    /** Register chunks (not awaited): the reply goes to the returned probe. */
    public TestProbe<RdmaTransport.RegisterReply> registerAsync(List<ChunkRequest> chunks) {
        return primary.registerAsync(chunks);
    }

    /** Register one chunk and await the reply. */
    public RdmaTransport.RegisterReply register(Direction direction, Segment... segments) {
        return primary.register(direction, segments);
    }

    /** Register and expect success. */
    public Registration registerOk(Direction direction, Segment... segments) {
        return primary.registerOk(direction, segments);
    }

    /**
     * {@code Register.andSend} (not awaited): the FAST_REGs and the SEND {@code message} builds go out in one
     * chain; both replies are tracked (see {@link KitTransport#registerAndSendAsync}).
     */
    public KitTransport.RegisterAndSend registerAndSendAsync(List<ChunkRequest> chunks, MessageBuilder message) {
        return primary.registerAndSendAsync(chunks, message);
    }

    /**
     * Invalidate (not awaited). At the moment the Invalidated is delivered, the kit checks that no rkey of
     * the registration still works (the "no buffer handed back early" invariant).
     */
    public TestProbe<RdmaTransport.Invalidated> invalidateAsync(Registration registration) {
        return primary.invalidateAsync(registration);
    }

    /**
     * Invalidate (not awaited), running {@code atDelivery} the moment the Invalidated reaches the caller: no
     * fabric event runs while it does, so it sees memory and rkeys exactly as the caller gets them back.
     */
    public TestProbe<RdmaTransport.Invalidated> invalidateAsync(Registration registration,
                                                              Consumer<RdmaTransport.Invalidated> atDelivery) {
        return primary.invalidateAsync(registration, atDelivery);
    }

    /** Invalidate and await the reply. */
    public RdmaTransport.Invalidated invalidate(Registration registration) {
        return primary.invalidate(registration);
    }

    /** {@code Invalidate.afterRemoteInvalidation} (not awaited), checked at delivery like an Invalidate. */
    public TestProbe<RdmaTransport.Invalidated> invalidateAfterRemoteAsync(Registration registration, int rkey) {
        return primary.invalidateAfterRemoteAsync(registration, rkey);
    }

    /** {@code Invalidate.afterRemoteInvalidation} and await the reply. */
    public RdmaTransport.Invalidated invalidateAfterRemote(Registration registration, int rkey) {
        return primary.invalidateAfterRemote(registration, rkey);
    }

    /** SEND the gathered bytes (not awaited). */
    public TestProbe<RdmaTransport.SendReply> sendAsync(List<Segment> sgl) {
        return primary.sendAsync(sgl);
    }

    /** SEND the segments and await the Sent or SendFailed. */
    public RdmaTransport.SendReply send(Segment... sgl) {
        return primary.send(sgl);
    }

    /** An orderly Shutdown of the transport (not awaited); the RPC client, if any, keeps running. */
    public TestProbe<RdmaTransport.ShutdownComplete> shutdownAsync() {
        return primary.shutdownAsync();
    }

    /** An orderly Shutdown of the transport, awaited: every MR deregistered, the final counters. */
    public RdmaTransport.ShutdownComplete shutdown() {
        return primary.shutdown();
    }

    /** Registrations this kit saw registered and not yet invalidated. */
    public List<Registration> heldRegistrations() {
        return primary.heldRegistrations();
    }

    /** The transport's counters now (asked directly, without settling). */
    public TransportCounters.Snapshot counters() {
        return primary.counters();
    }

    /** Every MR slot of the transport: where it is and in which state. */
    public MrAudit audit() {
        return primary.audit();
    }

    /** A probe that receives every TransportEvent from now on, with expectation helpers. */
    public TransportProbe events() {
        return primary.events();
    }

    /** Every TransportEvent since the kit started, in order. */
    public List<TransportEvent> eventHistory() {
        return primary.eventHistory();
    }

    /** Hold, slow or fail the client device's MR allocations, deregistrations and posts. */
    public DeviceControl deviceControl() {
        return primary.deviceControl();
    }

    /** The transport the kit was built with; the kit's own wrappers are this one's. */
    public KitTransport transportUnderTest() {
        return primary;
    }

    /**
     * Start another transport on its own device {@code name} of this fabric, connected to the same server,
     * with {@code hocon} over {@link #BASE_CONFIG}: a test can hand it the first transport's registration or
     * memory. Its requests are tracked in its own books ({@link KitTransport#unansweredRequests()},
     * {@link KitTransport#earlyReleases()}); fault scripts act on the first transport only.
     */
    public KitTransport addTransport(String name, String hocon) {
        Objects.requireNonNull(name, "name");
        if (name.equals("client") || name.equals(SERVER) || transport(name) != null) {
            throw new IllegalArgumentException("a transport or endpoint called " + name + " exists already");
        }
        final KitTransport t = new KitTransport(this, this.name + "-" + name, fabric.endpoint(name),
                settingsOf(hocon), ConnectionSpec.to(SERVER), false);
        transports.add(t);
        settle();
        return t;
    }

    /** The transport added as {@code name} (or the first one under its actor name), or null. */
    public KitTransport transport(String name) {
        for (KitTransport t : transports) {
            if (t.name().equals(name) || t.name().equals(this.name + "-" + name)) {
                return t;
            }
        }
        return null;
    }

    /** Every transport of the kit, the first one first. */
    public List<KitTransport> transports() {
        return List.copyOf(transports);
    }

    // ---- the RPC client --------------------------------------------------------------------------------

    /**
     * Make a call (not awaited). At delivery of its result the kit checks that none of the rkeys the call's
     * SENDs carried still works.
     */
    public TestProbe<CallResult> call(RpcCallSpec spec) {
        return call(spec, r -> { });
    }

    /**
     * Make a call (not awaited), running {@code atDelivery} the moment its result reaches the caller: no
     * fabric event runs while it does, so it can snapshot the caller's buffers as they were handed back.
     */
    public TestProbe<CallResult> call(RpcCallSpec spec, Consumer<CallResult> atDelivery) {
        requireClient();
        final Ledger ledger = primary.ledger();
        final TestProbe<CallResult> p = probe(CallResult.class);
        final long req = ledger.open("Call prog " + spec.program() + " proc " + spec.procedure());
        final ActorRef<CallResult> via = kit.spawn(Behaviors.receive(CallResult.class).onAnyMessage(r -> {
            ledger.close(req);
            ledger.callEnded(r.xid(), "the result of call xid 0x" + Integer.toHexString(r.xid()));
            atDelivery.accept(r);
            p.getRef().tell(r);
            return Behaviors.stopped();
        }).build());
        request(() -> rpcClient.tell(new RpcRdmaClient.Call(spec, via)));
        return p;
    }

    /** Make a call and await its result. */
    public CallResult callAndAwait(RpcCallSpec spec) {
        return await(call(spec), CallResult.class);
    }

    /** The RPC client's statistics now (credits, epoch, calls in flight). */
    public ClientStats clientStats() {
        requireClient();
        final TestProbe<ClientStats> p = probe(ClientStats.class);
        rpcClient.tell(new RpcRdmaClient.GetStats(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    private void requireClient() {
        if (rpcClient == null) {
            throw new IllegalStateException("this kit has no RPC client: build it withRpcClient()");
        }
    }

    // ---- faults and checks -----------------------------------------------------------------------------

    /** Queue a fault script; its steps apply at the next quiescent points, in order. */
    public void inject(FaultScript script) {
        requireNoBurst("inject");
        faults.add(script);
        settle();
    }

    /** The fault steps applied so far. */
    public List<FaultScript.Step> appliedFaults() {
        return faults.applied();
    }

    /** The invariant checks of the first transport, to run at a quiescent point. */
    public Invariants invariants() {
        return new Invariants(this);
    }

    /** One line per executed fabric event since the kit started. */
    public List<String> trace() {
        return fabric.trace();
    }

    // ---- accessors -------------------------------------------------------------------------------------

    /** The ActorTestKit the kit's actors run in, for probes of your own. */
    public ActorTestKit actorTestKit() {
        return kit;
    }

    /** Akka's manual time; prefer {@link #advance}, which also settles. */
    public ManualTime manualTime() {
        return time;
    }

    /** The stepped fabric both ends share (stats, trace, faults). */
    public SimFabric fabric() {
        return fabric;
    }

    /** The device the first transport runs on. */
    public SimDevice clientDevice() {
        return client;
    }

    /** The device the server end (responder or bare peer) runs on. */
    public SimDevice serverDevice() {
        return server;
    }

    /** The first transport's settings, as validated from the builder's HOCON. */
    public TransportSettings settings() {
        return primary.settings();
    }

    /** The first transport's actor, for requests the kit has no wrapper for. */
    public ActorRef<RdmaTransport.Command> transport() {
        return primary.ref();
    }

    /** The RPC client actor (withRpcClient only). */
    public ActorRef<RpcRdmaClient.Command> rpcClient() {
        requireClient();
        return rpcClient;
    }

    /** The NFS export the responder serves (withNfsResponder only). */
    public InMemoryExport export() {
        if (export == null) {
            throw new IllegalStateException("this kit has no NFS responder: build it withNfsResponder()");
        }
        return export;
    }

    /** The misbehaving responder (withMisbehavingResponder only). */
    public MisbehavingResponder misbehavingResponder() {
        if (misbehaving == null) {
            throw new IllegalStateException("this kit has no misbehaving responder: build it"
                    + " withMisbehavingResponder()");
        }
        return misbehaving;
    }

    /** The peer of a transport-only kit: RDMA READ/WRITE and SEND(_WITH_INV) against the transport. */
    public Peer peer() {
        if (peer == null) {
            throw new IllegalStateException("only a kit without a responder has a bare peer");
        }
        return peer;
    }

    /** The QPs the bare server accepted (transport-only kits), for raw verbs on the server side. */
    public List<QueuePair> serverQueuePairs() {
        if (bareServer == null) {
            throw new IllegalStateException("only a kit without a responder has a bare server");
        }
        return bareServer.queuePairs();
    }

    Ledger ledger() {
        return primary.ledger();
    }

    EventLog eventLog() {
        return primary.eventLog();
    }

    List<ObservedDevice.PostFailure> postFailures() {
        return primary.observed().postFailures();
    }

    /**
     * Shut down in order: release every {@link DeviceControl} hold, stop the RPC client, then an orderly
     * Shutdown of each transport (awaited with the kit's stepping, at most {@link #CLOSE_LIMIT} of manual
     * time; a transport that already stopped or cannot finish is skipped), then stop the kit's actors and
     * close the fabric.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        burst = null; // requests of a burst never closed are dropped, not sent
        try {
            for (KitTransport t : transports) {
                t.deviceControl().unblock();
            }
            if (rpcClient != null) {
                kit.stop(rpcClient, HANG_GUARD);
            }
            for (KitTransport t : transports) {
                shutDownInOrder(t);
            }
            closed = true;
            if (responder != null) {
                kit.stop(responder, HANG_GUARD);
            }
            for (KitTransport t : transports) {
                if (!t.isTerminated()) {
                    kit.stop(t.ref(), HANG_GUARD);
                }
            }
        } finally {
            closed = true;
            if (misbehaving != null) {
                misbehaving.close();
            }
            if (bareServer != null) {
                bareServer.close();
            }
            if (ownsKit) {
                kit.shutdownTestKit();
            } else {
                probes.forEach(TestProbe::stop);
                transports.forEach(KitTransport::stopEventLog);
                for (Interceptor i : interceptors) {
                    if (!i.answered().get()) {
                        kit.stop(i.ref(), HANG_GUARD);
                    }
                }
            }
            probes.clear();
            interceptors.clear();
            for (KitTransport t : transports) {
                t.closeExecutor();
            }
            fabric.close();
        }
    }

    private void shutDownInOrder(KitTransport t) {
        if (t.isTerminated()) {
            return;
        }
        try {
            if (!t.shutdownRequested()) {
                t.shutdownAsync();
            }
            long waited = 0;
            while (t.shutdownComplete() == null && !t.isTerminated() && waited < CLOSE_LIMIT.toNanos()) {
                runUntilQuiet();
                if (t.shutdownComplete() == null && !t.isTerminated()) {
                    tick(TICK);
                    waited += TICK.toNanos();
                }
            }
        } catch (RuntimeException e) {
            // A transport that cannot shut down in order (a stuck actor, endless recovery) is stopped below.
        }
    }

    @Override
    public String toString() {
        return "FrwrTestKit[seed " + fabric.seed() + ", " + name + "]";
    }
}
