package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
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
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One transport the kit runs, with a wrapper for every request of the public API. Each wrapper answers on a
 * fresh TestProbe through an interceptor actor that keeps the kit's books: an entry opens when the request
 * goes out and closes when its answer is delivered (so "every request ends" is checkable), registrations
 * are recorded, and at every Invalidated the kit checks that no rkey of the registration still works.
 *
 * <p>A kit has one ({@link FrwrTestKit#transportUnderTest()}, whose wrappers the kit also offers directly);
 * {@link FrwrTestKit#addTransport} adds more on their own devices of the same fabric, so that a test can
 * hand one transport's registration or memory to another.
 *
 * <p>Outside a {@link FrwrTestKit#burst() burst}, each wrapper settles after sending its request, so
 * requests go in one at a time and a seed replays.
 */
public final class KitTransport {
    private final FrwrTestKit kit;
    private final String name;
    private final SimDevice device;
    private final DeviceControl control;
    private final ObservedDevice observed;
    private final TransportSettings settings;
    private final Ledger ledger;
    private final EventLog eventLog = new EventLog();
    private final ActorRef<RdmaTransport.Command> ref;
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final AtomicReference<RdmaTransport.ShutdownComplete> shutdownComplete = new AtomicReference<>();
    private boolean shutdownRequested;
    /** The name prefix of the thread that runs a transport's recovery verbs in the kit. */
    static final String VERBS_THREAD = "frwr-testkit-verbs-";
    private final ActorRef<TransportEvent> eventLogRef;
    private final java.util.concurrent.ExecutorService verbsThread;
    private final java.util.concurrent.ExecutorService blockingVerbs;
    private final java.util.ArrayDeque<Runnable> verbsQueue = new java.util.ArrayDeque<>();
    /** A verbs task started and not yet run to its end, including the message it sends its actor at the end. */
    private final java.util.concurrent.atomic.AtomicBoolean verbsRunning = new java.util.concurrent.atomic.AtomicBoolean();

    /** Appended to the books' request descriptions of an added transport, so a report says which one. */
    private final String tag;

    /** What {@link #registerAndSendAsync} answers on: the Register's reply and, if it registered, the SEND's. */
    public record RegisterAndSend(TestProbe<RdmaTransport.RegisterReply> registered,
                                  TestProbe<RdmaTransport.SendReply> sent) { }

    KitTransport(FrwrTestKit kit, String name, SimDevice device, TransportSettings settings, ConnectionSpec spec,
                 boolean first) {
        this.kit = kit;
        this.tag = first ? "" : " (" + name + ")";
        this.name = name;
        this.device = device;
        this.settings = settings;
        this.ledger = new Ledger(device);
        this.control = new DeviceControl(kit.fabric().faults(), device, kit::manualMillis);
        this.observed = new ObservedDevice(device, control);
        final ActorTestKit atk = kit.actorTestKit();
        // One thread runs recovery's blocking verbs in the order recovery submits them, so that recovery with
        // any parallelism allocates MRs (and so rkey indexes) in the same order on every run of a seed.
        this.verbsThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, VERBS_THREAD + name);
            t.setDaemon(true);
            return t;
        });
        this.blockingVerbs = new java.util.concurrent.AbstractExecutorService() {
            // Recovery's tasks wait here until the kit starts them, one at a time and only when every actor is
            // idle (see startNextVerbsTask): so however many recovery runs at once, the verbs execute in one
            // order, interleaved with the actors in one way, and a seed replays.
            @Override
            public void execute(Runnable task) {
                synchronized (verbsQueue) {
                    verbsQueue.addLast(task);
                }
            }

            @Override
            public void shutdown() {
                verbsThread.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return verbsThread.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return verbsThread.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return verbsThread.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit)
                    throws InterruptedException {
                return verbsThread.awaitTermination(timeout, unit);
            }
        };
        this.ref = atk.spawn(RdmaTransport.create(settings, observed, spec, blockingVerbs), name);
        this.eventLogRef = atk.spawn(eventLog.behavior(), name + "-events");
        ref.tell(new RdmaTransport.WatchEvents(eventLogRef));
        atk.spawn(Behaviors.<Void>setup(ctx -> {
            ctx.watch(ref);
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> {
                terminated.set(true);
                return Behaviors.stopped();
            }).build();
        }), name + "-watch");
    }

    /** The name the transport actor was spawned under (and its device's endpoint, for added transports). */
    public String name() {
        return name;
    }

    /** The transport actor, for requests the kit has no wrapper for. */
    public ActorRef<RdmaTransport.Command> ref() {
        return ref;
    }

    /** The simulated device the transport runs on (its memory is what {@link #memory} maps). */
    public SimDevice device() {
        return device;
    }

    /** Hold, slow or fail this transport's MR allocations, deregistrations and posts. */
    public DeviceControl deviceControl() {
        return control;
    }

    /** The settings this transport was started with. */
    public TransportSettings settings() {
        return settings;
    }

    /** True once the transport actor stopped (after a Shutdown, or when the kit stopped it). */
    public boolean isTerminated() {
        return terminated.get();
    }

    // ---- memory and connections --------------------------------------------------------------------------

    /** Map {@code length} bytes of fresh memory of this transport's device. */
    public Segment memory(int length) {
        try {
            final DmaBuffer b = device.mapBuffer(ByteBuffer.allocateDirect(length));
            return b.segment(0, length);
        } catch (VerbsException e) {
            throw new IllegalStateException("could not map " + length + " bytes on " + device.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The transport's QP in RTS, or null. */
    public QueuePair connectedQp() {
        final List<QueuePair> qps = observed.queuePairs();
        for (int i = qps.size() - 1; i >= 0; i--) {
            if (qps.get(i).state() == QpState.RTS) {
                return qps.get(i);
            }
        }
        return null;
    }

    /** Every QP the transport was given, in connection order. */
    public List<QueuePair> queuePairs() {
        return observed.queuePairs();
    }

    /** Send WRs of {@code opcode} the transport has posted so far (all connections), e.g. LOCAL_INV. */
    public long postedWrs(Opcode opcode) {
        return observed.posted(opcode);
    }

    /** Drain markers the device swallowed ({@link FaultScript#loseNextDrainMarkers}). */
    public long drainMarkersLost() {
        return observed.drainMarkersLost();
    }

    /** Step and let time pass until this transport's QP is in RTS. */
    public void awaitConnected() {
        kit.awaitCondition(() -> connectedQp() != null, "the transport " + name + " did not connect");
    }

    // ---- Register --------------------------------------------------------------------------------------

    /** Register chunks (not awaited): the reply goes to the returned probe. */
    public TestProbe<RdmaTransport.RegisterReply> registerAsync(List<ChunkRequest> chunks) {
        final TestProbe<RdmaTransport.RegisterReply> p = kit.probe(RdmaTransport.RegisterReply.class);
        final long req = ledger.open("Register " + chunks.size() + " chunks" + tag);
        final ActorRef<RdmaTransport.RegisterReply> via = intercept(RdmaTransport.RegisterReply.class, r -> {
            ledger.close(req);
            if (r instanceof RdmaTransport.Registered ok) {
                ledger.registered(ok.registration());
            }
            p.getRef().tell(r);
        });
        kit.request(() -> ref.tell(new RdmaTransport.Register(chunks, req, via)));
        return p;
    }

    /** Register one chunk and await the reply. */
    public RdmaTransport.RegisterReply register(Direction direction, Segment... segments) {
        return kit.await(registerAsync(List.of(new ChunkRequest(List.of(segments), direction))),
                RdmaTransport.RegisterReply.class);
    }

    /** Register one chunk and expect success. */
    public Registration registerOk(Direction direction, Segment... segments) {
        final RdmaTransport.RegisterReply r = register(direction, segments);
        if (!(r instanceof RdmaTransport.Registered ok)) {
            throw new AssertionError("registration failed: " + r);
        }
        return ok.registration();
    }

    /**
     * {@code Register.andSend} (not awaited): the FAST_REGs and the SEND that {@code message} builds from the
     * registration go out as one chain. Both replies are tracked; if the Register fails no SEND reply comes,
     * and none is expected.
     */
    public RegisterAndSend registerAndSendAsync(List<ChunkRequest> chunks, MessageBuilder message) {
        return registerAndSendAsync(chunks, message, 0);
    }

    /** As {@link #registerAndSendAsync(List, MessageBuilder)}, bound to connection {@code epoch} (0: any). */
    public RegisterAndSend registerAndSendAsync(List<ChunkRequest> chunks, MessageBuilder message, long epoch) {
        Objects.requireNonNull(message, "message");
        final ActorTestKit atk = kit.actorTestKit();
        final TestProbe<RdmaTransport.RegisterReply> registered = kit.probe(RdmaTransport.RegisterReply.class);
        final TestProbe<RdmaTransport.SendReply> sent = kit.probe(RdmaTransport.SendReply.class);
        final long req = ledger.open("Register.andSend " + chunks.size() + " chunks" + tag);
        final long send = ledger.open("the SEND of Register.andSend #" + req + tag);
        final ActorRef<RdmaTransport.RegisterReply> viaRegister = intercept(RdmaTransport.RegisterReply.class, r -> {
            ledger.close(req);
            if (r instanceof RdmaTransport.Registered ok) {
                ledger.registered(ok.registration());
            } else {
                ledger.close(send); // a failed Register posts no SEND
            }
            registered.getRef().tell(r);
        });
        final ActorRef<RdmaTransport.SendReply> viaSend = intercept(RdmaTransport.SendReply.class, r -> {
            ledger.close(send);
            sent.getRef().tell(r);
        });
        kit.request(() -> ref.tell(RdmaTransport.Register.andSend(chunks, message, req, viaRegister, viaSend, epoch)));
        return new RegisterAndSend(registered, sent);
    }

    // ---- Invalidate ------------------------------------------------------------------------------------

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
        return invalidate(registration, "Invalidate", atDelivery,
                via -> RdmaTransport.Invalidate.of(registration, via));
    }

    /** Invalidate and await the reply. */
    public RdmaTransport.Invalidated invalidate(Registration registration) {
        return kit.await(invalidateAsync(registration), RdmaTransport.Invalidated.class);
    }

    /**
     * {@code Invalidate.afterRemoteInvalidation} (not awaited): the caller says the peer's SEND_WITH_INV
     * invalidated {@code rkey}. Checked at delivery like {@link #invalidateAsync}.
     */
    public TestProbe<RdmaTransport.Invalidated> invalidateAfterRemoteAsync(Registration registration, int rkey) {
        return invalidateAfterRemoteAsync(registration, rkey, inv -> { });
    }

    /** As {@link #invalidateAfterRemoteAsync(Registration, int)}, running {@code atDelivery} at the reply. */
    public TestProbe<RdmaTransport.Invalidated> invalidateAfterRemoteAsync(
            Registration registration, int rkey, Consumer<RdmaTransport.Invalidated> atDelivery) {
        return invalidate(registration, "Invalidate.afterRemoteInvalidation", atDelivery,
                via -> RdmaTransport.Invalidate.afterRemoteInvalidation(registration, rkey, via));
    }

    /** {@code Invalidate.afterRemoteInvalidation} and await the reply. */
    public RdmaTransport.Invalidated invalidateAfterRemote(Registration registration, int rkey) {
        return kit.await(invalidateAfterRemoteAsync(registration, rkey), RdmaTransport.Invalidated.class);
    }

    private TestProbe<RdmaTransport.Invalidated> invalidate(
            Registration registration, String what, Consumer<RdmaTransport.Invalidated> atDelivery,
            java.util.function.Function<ActorRef<RdmaTransport.Invalidated>, RdmaTransport.Invalidate> request) {
        final TestProbe<RdmaTransport.Invalidated> p = kit.probe(RdmaTransport.Invalidated.class);
        final long req = ledger.open(what + " " + registration + tag);
        final ActorRef<RdmaTransport.Invalidated> via = intercept(RdmaTransport.Invalidated.class, inv -> {
            ledger.close(req);
            if (inv.error() == null) {
                ledger.released(inv.registration(), inv.fenced(), "Invalidated");
            } // else refused (a registration of another transport): nothing was handed back
            atDelivery.accept(inv);
            p.getRef().tell(inv);
        });
        final RdmaTransport.Invalidate m = request.apply(via);
        kit.request(() -> ref.tell(m));
        return p;
    }

    // ---- Send and Shutdown -----------------------------------------------------------------------------

    /** SEND the gathered bytes (not awaited); the Sent or SendFailed goes to the returned probe. */
    public TestProbe<RdmaTransport.SendReply> sendAsync(List<Segment> sgl) {
        return sendAsync(sgl, 0);
    }

    /** As {@link #sendAsync(List)}, bound to connection {@code epoch} (0: any). */
    public TestProbe<RdmaTransport.SendReply> sendAsync(List<Segment> sgl, long epoch) {
        final TestProbe<RdmaTransport.SendReply> p = kit.probe(RdmaTransport.SendReply.class);
        final long req = ledger.open("Send of " + sgl.size() + " segments" + tag);
        final ActorRef<RdmaTransport.SendReply> via = intercept(RdmaTransport.SendReply.class, r -> {
            ledger.close(req);
            p.getRef().tell(r);
        });
        kit.request(() -> ref.tell(new RdmaTransport.Send(List.copyOf(sgl), req, via, epoch)));
        return p;
    }

    /** SEND the segments and await the reply. */
    public RdmaTransport.SendReply send(Segment... sgl) {
        return kit.await(sendAsync(List.of(sgl)), RdmaTransport.SendReply.class);
    }

    /** An orderly Shutdown (not awaited): drain, flush recovery, deregister every MR, stop. */
    public TestProbe<RdmaTransport.ShutdownComplete> shutdownAsync() {
        final TestProbe<RdmaTransport.ShutdownComplete> p = kit.probe(RdmaTransport.ShutdownComplete.class);
        final long req = ledger.open("Shutdown" + tag);
        final ActorRef<RdmaTransport.ShutdownComplete> via = intercept(RdmaTransport.ShutdownComplete.class, c -> {
            ledger.close(req);
            shutdownComplete.set(c);
            p.getRef().tell(c);
        });
        shutdownRequested = true;
        kit.request(() -> ref.tell(new RdmaTransport.Shutdown(via)));
        return p;
    }

    /** Shutdown and await the ShutdownComplete (with the counters at the end). */
    public RdmaTransport.ShutdownComplete shutdown() {
        return kit.await(shutdownAsync(), RdmaTransport.ShutdownComplete.class);
    }

    /** The ShutdownComplete this transport sent, or null. */
    public RdmaTransport.ShutdownComplete shutdownComplete() {
        return shutdownComplete.get();
    }

    // ---- state -----------------------------------------------------------------------------------------

    /** Registrations seen registered through this handle and not yet invalidated. */
    public List<Registration> heldRegistrations() {
        return ledger.held();
    }

    /** Requests issued through this handle that have had no answer yet, oldest first. */
    public List<String> unansweredRequests() {
        return ledger.unanswered();
    }

    /** Memory handed back while a peer could still reach it (must stay empty). */
    public List<io.frwr.invariants.Violation> earlyReleases() {
        return ledger.earlyReleases();
    }

    /** The transport's counters now (asked directly, without settling). */
    public TransportCounters.Snapshot counters() {
        final TestProbe<TransportCounters.Snapshot> p = kit.probe(TransportCounters.Snapshot.class);
        ref.tell(new RdmaTransport.GetCounters(p.getRef()));
        return p.receiveMessage(FrwrTestKit.HANG_GUARD);
    }

    /** Every MR slot: where it is and in which state. */
    public MrAudit audit() {
        final TestProbe<MrAudit> p = kit.probe(MrAudit.class);
        ref.tell(new RdmaTransport.GetAudit(p.getRef()));
        return p.receiveMessage(FrwrTestKit.HANG_GUARD);
    }

    /** A probe that receives every TransportEvent from now on, with expectation helpers. */
    public TransportProbe events() {
        final TestProbe<TransportEvent> p = kit.probe(TransportEvent.class);
        ref.tell(new RdmaTransport.WatchEvents(p.getRef()));
        kit.settleNow();
        return new TransportProbe(kit, p);
    }

    /** Every TransportEvent since the transport started, in order. */
    public List<TransportEvent> eventHistory() {
        return eventLog.events();
    }

    @Override
    public String toString() {
        return "KitTransport[" + name + " on " + device.name() + "]";
    }

    // ---- for the kit -----------------------------------------------------------------------------------

    /** The kit is done with this transport, on an ActorTestKit that outlives it: its event log goes. */
    void stopEventLog() {
        kit.actorTestKit().stop(eventLogRef, FrwrTestKit.HANG_GUARD);
    }

    /** The kit is done with this transport: its recovery thread goes. */
    void closeExecutor() {
        verbsThread.shutdownNow();
    }

    /** True while a recovery task runs (or is held by the device control). */
    boolean verbsRunning() {
        return verbsRunning.get();
    }

    /** At a quiescent point: starts the next queued recovery task, if none runs; false if nothing started. */
    boolean startNextVerbsTask() {
        final Runnable task;
        synchronized (verbsQueue) {
            if (verbsRunning.get() || verbsQueue.isEmpty() || verbsThread.isShutdown()) {
                return false;
            }
            task = verbsQueue.pollFirst();
            verbsRunning.set(true);
        }
        verbsThread.execute(() -> {
            try {
                task.run();
            } finally {
                verbsRunning.set(false);
            }
        });
        return true;
    }

    Ledger ledger() {
        return ledger;
    }

    EventLog eventLog() {
        return eventLog;
    }

    ObservedDevice observed() {
        return observed;
    }

    boolean shutdownRequested() {
        return shutdownRequested;
    }

    /** An actor that does {@code onReply} with the one reply it gets, then stops. */
    private <T> ActorRef<T> intercept(Class<T> type, Consumer<T> onReply) {
        final java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        final ActorRef<T> ref = kit.actorTestKit().spawn(Behaviors.receive(type).onAnyMessage(m -> {
            answered.set(true);
            onReply.accept(m);
            return Behaviors.stopped();
        }).build());
        kit.trackInterceptor(ref, answered);
        return ref;
    }
}
