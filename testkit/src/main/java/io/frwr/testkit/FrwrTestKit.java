package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.ChunkRequest;
import io.frwr.actors.Direction;
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
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
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
    private static final Duration TICK = Duration.ofMillis(10);
    private static final int MAX_EVENTS_PER_RUN = 1_000_000;
    private static final long TIMER_WAIT_NANOS = 30_000_000L;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final ActorTestKit kit;
    private final boolean ownsKit;
    private final DispatcherActivity activity;
    private final ManualTime time;
    private final ManualClock clock;
    private final SimFabric fabric;
    private final SimDevice client;
    private final SimDevice server;
    private final ObservedDevice observed;
    private final TransportSettings settings;
    private final ActorRef<RdmaTransport.Command> transport;
    private final ActorRef<RpcRdmaClient.Command> rpcClient;
    private final ClientSettings clientSettings;
    private final ActorRef<RpcRdmaResponder.Command> responder;
    private final InMemoryExport export;
    private final MisbehavingResponder misbehaving;
    private final BareServer bareServer;
    private final EventLog eventLog = new EventLog();
    private final Ledger ledger;
    private final FaultInjector faults;
    private final String name;
    private boolean closed;

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
        fabric = SimFabric.builder().seed(b.seed).mode(SimMode.STEPPED).attributes(b.attributes).trace(true)
                .build();
        client = fabric.endpoint("client");
        server = fabric.endpoint(SERVER);
        ledger = new Ledger(client);
        fabric.setWireTap(ledger::onWire);
        observed = new ObservedDevice(client);
        settings = TransportSettings.fromConfig(ConfigFactory.parseString(BASE_CONFIG + b.transportConfig)
                .withFallback(ConfigFactory.load()));
        faults = new FaultInjector(fabric.faults(), client, SERVER, observed::queuePairs);
        clientSettings = b.clientSettings;
        transport = kit.spawn(RdmaTransport.create(settings, observed, clientSettings != null
                ? clientSettings.connectionSpec(SERVER) : io.frwr.actors.ConnectionSpec.to(SERVER)), name);
        transport.tell(new RdmaTransport.WatchEvents(kit.spawn(eventLog.behavior(), name + "-events")));
        rpcClient = clientSettings == null ? null
                : kit.spawn(RpcRdmaClient.create(transport, client, clientSettings), name + "-client");
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
        settle();
    }

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

        private Builder() {
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

        public Builder withRpcClient() {
            return withRpcClient(ClientSettings.defaults().withCallTimeout(Duration.ofSeconds(10)));
        }

        /** The server endpoint runs the RFC 8166 responder serving NFSv3 from {@link #export()}. */
        public Builder withNfsResponder(ResponderSettings settings) {
            this.responderSettings = Objects.requireNonNull(settings, "settings");
            this.misbehaving = false;
            return this;
        }

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
     * actor) interleave the same way on every run, and a seed replays.
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
        settle();
        final boolean ran = fabric.step();
        settle();
        return ran;
    }

    /** Step until no fabric event is pending; returns how many ran. */
    public int runUntilQuiet() {
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
        return observed.posted(opcode);
    }

    /** Let manual time pass (timers fire), then settle. Runs the fabric until quiet first. */
    public void advance(Duration d) {
        runUntilQuiet();
        clock.advance(d);
        settle();
    }

    /**
     * Run the fabric until quiet and let time pass in small ticks until {@code probe} has a message, which
     * must be a {@code type}. Fails after {@code virtualLimit} of manual time.
     */
    public <T, M extends T> M await(TestProbe<T> probe, Class<M> type, Duration virtualLimit) {
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
            clock.advance(TICK);
            settle();
            waited += TICK.toNanos();
        }
    }

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

    /**
     * Wait for quiescence: no dispatcher task, fault steps applied, the misbehaving responder pumped, and
     * recovery done or parked on a retry timer (which only manual time can fire).
     */
    private void settle() {
        final long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        long lastCalls = -1;
        long quietSince = 0;
        while (true) {
            activity.awaitIdle(HANG_GUARD);
            final boolean acted = faults.applyReady() | pump();
            if (acted || !activity.isIdle()) {
                continue;
            }
            if (eventLog.recoveriesOutstanding() <= 0) {
                return;
            }
            final RecoveryWatch w = observed.recoveryWatch();
            if (w == null) {
                return;
            }
            final long calls = w.calls.get();
            final long now = System.nanoTime();
            if (calls != lastCalls || w.inCall.get() > 0) {
                lastCalls = calls;
                quietSince = now;
            } else if (w.failures.get() > 0 && now - quietSince > TIMER_WAIT_NANOS) {
                return; // a failed dereg/alloc: recovery waits for its retry timer
            }
            if (now > deadline) {
                throw new IllegalStateException("MR recovery did not finish within " + HANG_GUARD + ": "
                        + eventLog.recoveriesOutstanding() + " MRs outstanding");
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

    // ---- the transport ---------------------------------------------------------------------------------

    /** Step and let time pass until the transport's QP is in RTS (and the RPC client saw it, if any). */
    public void awaitConnected() {
        long waited = 0;
        while (connectedQp() == null || (rpcClient != null && clientStats().epoch() == 0)) {
            if (waited > Duration.ofSeconds(120).toNanos()) {
                throw new AssertionError("the transport did not connect within 120 s of manual time");
            }
            runUntilQuiet();
            clock.advance(TICK);
            settle();
            waited += TICK.toNanos();
        }
    }

    /** The client's QP in RTS, or null. */
    public QueuePair connectedQp() {
        final List<QueuePair> qps = observed.queuePairs();
        for (int i = qps.size() - 1; i >= 0; i--) {
            if (qps.get(i).state() == io.frwr.verbs.QpState.RTS) {
                return qps.get(i);
            }
        }
        return null;
    }

    /** Every QP the transport was given, in connection order. */
    public List<QueuePair> clientQueuePairs() {
        return observed.queuePairs();
    }

    /** Map {@code length} bytes of fresh client memory. */
    public Segment memory(int length) {
        try {
            final DmaBuffer b = client.mapBuffer(ByteBuffer.allocateDirect(length));
            return b.segment(0, length);
        } catch (VerbsException e) {
            throw new IllegalStateException("could not map " + length + " bytes of client memory: "
                    + e.getMessage(), e);
        }
    }

    /** Register chunks (not awaited): the reply goes to the returned probe. */
    public TestProbe<RdmaTransport.RegisterReply> registerAsync(List<ChunkRequest> chunks) {
        final TestProbe<RdmaTransport.RegisterReply> p = kit.createTestProbe(RdmaTransport.RegisterReply.class);
        final long req = ledger.open("Register " + chunks.size() + " chunks");
        final ActorRef<RdmaTransport.RegisterReply> via = kit.spawn(Behaviors.receive(
                RdmaTransport.RegisterReply.class).onAnyMessage(r -> {
                    ledger.close(req);
                    if (r instanceof RdmaTransport.Registered ok) {
                        ledger.registered(ok.registration());
                    }
                    p.getRef().tell(r);
                    return Behaviors.stopped();
                }).build());
        transport.tell(new RdmaTransport.Register(chunks, req, via));
        settle(); // the test thread must not race the dispatcher: requests go in one at a time, so a seed replays
        return p;
    }

    public RdmaTransport.RegisterReply register(Direction direction, Segment... segments) {
        return await(registerAsync(List.of(new ChunkRequest(List.of(segments), direction))),
                RdmaTransport.RegisterReply.class);
    }

    /** Register and expect success. */
    public Registration registerOk(Direction direction, Segment... segments) {
        final RdmaTransport.RegisterReply r = register(direction, segments);
        if (!(r instanceof RdmaTransport.Registered ok)) {
            throw new AssertionError("registration failed: " + r);
        }
        return ok.registration();
    }

    /**
     * Invalidate (not awaited). At the moment the Invalidated is delivered, the kit checks that no rkey of
     * the registration still works (the "no buffer handed back early" invariant).
     */
    public TestProbe<RdmaTransport.Invalidated> invalidateAsync(Registration registration) {
        return invalidateAsync(registration, inv -> { });
    }

    /**
     * Invalidate (not awaited), running {@code atDelivery} the moment the Invalidated reaches the caller: no
     * fabric event runs while it does, so it sees memory and rkeys exactly as the caller gets them back.
     */
    public TestProbe<RdmaTransport.Invalidated> invalidateAsync(Registration registration,
                                                              Consumer<RdmaTransport.Invalidated> atDelivery) {
        final TestProbe<RdmaTransport.Invalidated> p = kit.createTestProbe(RdmaTransport.Invalidated.class);
        final long req = ledger.open("Invalidate " + registration);
        final ActorRef<RdmaTransport.Invalidated> via = kit.spawn(Behaviors.receive(
                RdmaTransport.Invalidated.class).onAnyMessage(inv -> {
                    ledger.close(req);
                    ledger.released(inv.registration(), inv.fenced(), "Invalidated");
                    atDelivery.accept(inv);
                    p.getRef().tell(inv);
                    return Behaviors.stopped();
                }).build());
        transport.tell(RdmaTransport.Invalidate.of(registration, via));
        settle(); // the test thread must not race the dispatcher: requests go in one at a time, so a seed replays
        return p;
    }

    public RdmaTransport.Invalidated invalidate(Registration registration) {
        return await(invalidateAsync(registration), RdmaTransport.Invalidated.class);
    }

    /** Registrations this kit saw registered and not yet invalidated. */
    public List<Registration> heldRegistrations() {
        return ledger.held();
    }

    public TransportCounters.Snapshot counters() {
        final TestProbe<TransportCounters.Snapshot> p = kit.createTestProbe(TransportCounters.Snapshot.class);
        transport.tell(new RdmaTransport.GetCounters(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    public MrAudit audit() {
        final TestProbe<MrAudit> p = kit.createTestProbe(MrAudit.class);
        transport.tell(new RdmaTransport.GetAudit(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    /** A probe that receives every TransportEvent from now on, with expectation helpers. */
    public TransportProbe events() {
        final TestProbe<TransportEvent> p = kit.createTestProbe(TransportEvent.class);
        transport.tell(new RdmaTransport.WatchEvents(p.getRef()));
        settle();
        return new TransportProbe(this, p);
    }

    /** Every TransportEvent since the kit started, in order. */
    public List<TransportEvent> eventHistory() {
        return eventLog.events();
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
        final TestProbe<CallResult> p = kit.createTestProbe(CallResult.class);
        final long req = ledger.open("Call prog " + spec.program() + " proc " + spec.procedure());
        final ActorRef<CallResult> via = kit.spawn(Behaviors.receive(CallResult.class).onAnyMessage(r -> {
            ledger.close(req);
            ledger.callEnded(r.xid(), "the result of call xid 0x" + Integer.toHexString(r.xid()));
            atDelivery.accept(r);
            p.getRef().tell(r);
            return Behaviors.stopped();
        }).build());
        rpcClient.tell(new RpcRdmaClient.Call(spec, via));
        settle(); // the test thread must not race the dispatcher: requests go in one at a time, so a seed replays
        return p;
    }

    public CallResult callAndAwait(RpcCallSpec spec) {
        return await(call(spec), CallResult.class);
    }

    public ClientStats clientStats() {
        requireClient();
        final TestProbe<ClientStats> p = kit.createTestProbe(ClientStats.class);
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
        faults.add(script);
        settle();
    }

    /** The fault steps applied so far. */
    public List<FaultScript.Step> appliedFaults() {
        return faults.applied();
    }

    public Invariants invariants() {
        return new Invariants(this);
    }

    /** One line per executed fabric event since the kit started. */
    public List<String> trace() {
        return fabric.trace();
    }

    // ---- accessors -------------------------------------------------------------------------------------

    public ActorTestKit actorTestKit() {
        return kit;
    }

    public ManualTime manualTime() {
        return time;
    }

    public SimFabric fabric() {
        return fabric;
    }

    public SimDevice clientDevice() {
        return client;
    }

    public SimDevice serverDevice() {
        return server;
    }

    public TransportSettings settings() {
        return settings;
    }

    public ActorRef<RdmaTransport.Command> transport() {
        return transport;
    }

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

    public MisbehavingResponder misbehavingResponder() {
        if (misbehaving == null) {
            throw new IllegalStateException("this kit has no misbehaving responder: build it"
                    + " withMisbehavingResponder()");
        }
        return misbehaving;
    }

    /** The QPs the bare server accepted (transport-only kits), for raw verbs on the server side. */
    public List<QueuePair> serverQueuePairs() {
        if (bareServer == null) {
            throw new IllegalStateException("only a kit without a responder has a bare server");
        }
        return bareServer.queuePairs();
    }

    Ledger ledger() {
        return ledger;
    }

    EventLog eventLog() {
        return eventLog;
    }

    List<ObservedDevice.PostFailure> postFailures() {
        return observed.postFailures();
    }

    /** Shut the client and transport down (every MR deregistered), stop the kit's actors, close the fabric. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (rpcClient != null) {
                kit.stop(rpcClient, HANG_GUARD);
            }
            if (responder != null) {
                kit.stop(responder, HANG_GUARD);
            }
            kit.stop(transport, HANG_GUARD);
        } finally {
            if (misbehaving != null) {
                misbehaving.close();
            }
            if (bareServer != null) {
                bareServer.close();
            }
            if (ownsKit) {
                kit.shutdownTestKit();
            }
            fabric.close();
        }
    }

    @Override
    public String toString() {
        return "FrwrTestKit[seed " + fabric.seed() + ", " + name + "]";
    }
}
