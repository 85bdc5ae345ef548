package io.frwr.actors;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.javadsl.Behaviors;
import io.frwr.config.SystemSettings;
import io.frwr.config.TransportSettings;
import io.frwr.verbs.DeviceScope;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.VerbsProviders;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport's Akka extension: what every transport of one ActorSystem shares, made once per system.
 * <ul>
 *   <li>the settings, read from the system's configuration ({@link TransportSettings#create}), with unknown
 *   keys under {@code frwr-transport} reported once;</li>
 *   <li>the verbs provider ({@code frwr-transport.provider}) and the devices opened through it by name: with
 *   {@code sim}, a simulated fabric of this system's own unless {@code frwr-transport.sim.shared-fabric = on};</li>
 *   <li>one executor for blocking verbs (MR deregistration and allocation during recovery) of
 *   {@code frwr-transport.blocking-verbs.threads} daemon threads, given to every transport it creates.</li>
 * </ul>
 * Its factories return behaviors and spawn nothing: the caller spawns them where it likes.
 * <pre>{@code
 * FrwrTransport frwr = FrwrTransport.get(context.getSystem());
 * ActorRef<RdmaTransport.Command> rdma = context.spawn(frwr.transport("client", ConnectionSpec.to("server")), "rdma");
 * RdmaDevice device = frwr.device("client"); // the transport's own device: map the buffers to register here
 * }</pre>
 * A transport made any other way hands out its device on {@link RdmaTransport.GetDevice}; a passive endpoint
 * ({@link #listener}) on {@link RdmaListener.GetDevice}.
 * Each transport adds its own task to CoordinatedShutdown (see {@link RdmaTransport}). Once the system has
 * terminated, the executor is shut down (jobs already queued still run) and the devices the extension opened are
 * closed; the JVM-wide sim fabric is left open for its other users.
 */
public final class FrwrTransport implements Extension {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrwrTransport.class);

    /** The extension's id: {@code system.extension(FrwrTransport.ID)} is {@link #get}. */
    public static final ExtensionId<FrwrTransport> ID = new ExtensionId<>() {
        @Override
        public FrwrTransport createExtension(ActorSystem<?> system) {
            return new FrwrTransport(system);
        }
    };

    private final TransportSettings settings;
    private final SystemSettings systemSettings;
    private final ExecutorService blockingVerbs;
    private final String systemName;
    private final java.util.concurrent.CompletableFuture<akka.Done> releasedFuture =
            new java.util.concurrent.CompletableFuture<>();
    private DeviceScope devices;
    private boolean released;

    private FrwrTransport(ActorSystem<?> system) {
        this.settings = TransportSettings.create(system);
        this.systemSettings = SystemSettings.create(system);
        this.systemName = system.name();
        final AtomicInteger threads = new AtomicInteger();
        this.blockingVerbs = Executors.newFixedThreadPool(systemSettings.blockingVerbsThreads(), r -> {
            final Thread t = new Thread(r, "frwr-blocking-verbs-" + systemName + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        system.getWhenTerminated().thenRunAsync(this::release);
    }

    /** The extension of {@code system}, made on first use. */
    public static FrwrTransport get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** {@code frwr-transport} as the system's configuration sets it; the default of every factory here. */
    public TransportSettings settings() {
        return settings;
    }

    /** The per-system settings: blocking-verbs threads and whether the sim fabric is shared JVM-wide. */
    public SystemSettings systemSettings() {
        return systemSettings;
    }

    /**
     * The executor for blocking verbs that transports of this extension use. The extension owns it: shut down
     * once the system terminated; do not shut it down yourself.
     */
    public ExecutorService blockingVerbsExecutor() {
        return blockingVerbs;
    }

    /**
     * The device of that name through the configured provider, opened on first use and the same one afterwards:
     * for {@code sim} an endpoint of this system's fabric (its name is its CM address), for {@code disni} an RDMA
     * device name or one of its IP addresses. Map buffers on it to register them with a transport on it.
     *
     * @throws VerbsException ENODEV if the provider is not on the class path or cannot run here (it says why),
     *                        or the system has terminated
     */
    public synchronized RdmaDevice device(String localDevice) throws VerbsException {
        if (released) {
            throw new VerbsException(io.frwr.verbs.Errno.ENODEV, "the ActorSystem " + systemName
                    + " has terminated; its devices are closed");
        }
        if (devices == null) {
            devices = VerbsProviders.scope(settings.provider(), systemSettings.sharedSimFabric());
        }
        return devices.open(localDevice);
    }

    /**
     * A transport on the device of that name ({@link #device}) with this system's settings. The device is opened
     * when the behavior is spawned; if it cannot be, spawning fails with the provider's message.
     */
    public Behavior<RdmaTransport.Command> transport(String localDevice, ConnectionSpec spec) {
        return transport(settings, localDevice, spec);
    }

    /** As {@link #transport(String, ConnectionSpec)} with settings of the caller's (e.g. from {@code withX}). */
    public Behavior<RdmaTransport.Command> transport(TransportSettings settings, String localDevice,
                                                     ConnectionSpec spec) {
        return Behaviors.setup(ctx -> RdmaTransport.create(settings, device(localDevice), spec, blockingVerbs));
    }

    /** A transport on a device the caller opened (e.g. a test's own SimFabric), with this system's settings. */
    public Behavior<RdmaTransport.Command> transport(RdmaDevice device, ConnectionSpec spec) {
        return transport(settings, device, spec);
    }

    /** A transport on a device the caller opened, with settings of the caller's. */
    public Behavior<RdmaTransport.Command> transport(TransportSettings settings, RdmaDevice device,
                                                     ConnectionSpec spec) {
        return RdmaTransport.create(settings, device, spec, blockingVerbs);
    }

    /**
     * A passive endpoint ({@link RdmaListener}) on the device of that name ({@link #device}, so buffers mapped there
     * register with its connections' transports), listening at {@code spec.address()}, with this system's settings
     * and executor for blocking verbs. The device is opened when the behavior is spawned.
     */
    public Behavior<RdmaListener.Command> listener(String localDevice, ListenSpec spec, RdmaListener.Handler handler) {
        return Behaviors.setup(ctx -> RdmaListener.create(settings, device(localDevice), spec, handler, blockingVerbs));
    }

    /** A passive endpoint on a device the caller opened (e.g. a test's own SimFabric), with this system's settings. */
    public Behavior<RdmaListener.Command> listener(RdmaDevice device, ListenSpec spec, RdmaListener.Handler handler) {
        return RdmaListener.create(settings, device, spec, handler, blockingVerbs);
    }

    /**
     * Completes once the system has terminated, the blocking-verbs executor has finished what was queued on it and
     * the devices the extension opened are closed.
     */
    public java.util.concurrent.CompletionStage<akka.Done> whenReleased() {
        return releasedFuture.minimalCompletionStage();
    }

    /** After termination: let queued recovery jobs finish (they deregister MRs), then close the devices. */
    private void release() {
        final DeviceScope toClose;
        synchronized (this) {
            released = true;
            toClose = devices;
        }
        blockingVerbs.shutdown();
        try {
            if (!blockingVerbs.awaitTermination(settings.coordinatedShutdownTimeout().toMillis(),
                    TimeUnit.MILLISECONDS)) {
                LOG.warn("blocking verbs of ActorSystem {} still running after its termination", systemName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (toClose != null) {
                toClose.close();
            }
        } finally {
            releasedFuture.complete(akka.Done.getInstance());
        }
    }
}
