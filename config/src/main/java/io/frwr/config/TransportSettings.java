package io.frwr.config;

import akka.actor.ClassicActorSystemProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;

/**
 * Every transport setting, read once from the {@code frwr-transport} block and validated; see
 * {@code reference.conf} for each key's meaning, unit and default.
 *
 * @param provider   verbs provider: {@value #PROVIDER_SIM} or {@value #PROVIDER_DISNI}
 * @param mrPool     the MR pool
 * @param recovery   MR recovery
 * @param queues     send and receive queue sizing
 * @param connection connect, drain, parking of requests and reconnect backoff
 * @param coordinatedShutdownTimeout how long the ActorSystem's CoordinatedShutdown waits for the transport's
 *                   orderly Shutdown ({@value #COORDINATED_SHUTDOWN_TIMEOUT}), &gt; 0
 */
public record TransportSettings(String provider, MrPoolSettings mrPool, RecoverySettings recovery,
                                QueueSettings queues, ConnectionSettings connection,
                                Duration coordinatedShutdownTimeout) {
    /** The root key of every setting. */
    public static final String ROOT = "frwr-transport";
    /** Bound on the transport's task in CoordinatedShutdown. */
    public static final String COORDINATED_SHUTDOWN_TIMEOUT = ROOT + ".coordinated-shutdown.timeout";
    /** reference.conf's value of {@value #COORDINATED_SHUTDOWN_TIMEOUT}. */
    public static final Duration DEFAULT_COORDINATED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** frwr-transport.provider for the simulated fabric (the default). */
    public static final String PROVIDER_SIM = "sim";
    /** frwr-transport.provider for DiSNI (real NICs, Soft-RoCE, SoftiWARP). */
    public static final String PROVIDER_DISNI = "disni";
    private static final List<String> PROVIDERS = List.of(PROVIDER_SIM, PROVIDER_DISNI);

    /** Checks that every part is present and the provider is one of the known ones. */
    public TransportSettings {
        SettingCheck.present(ROOT + ".provider", provider);
        if (!PROVIDERS.contains(provider)) {
            throw new SettingsException(ROOT + ".provider = \"" + provider + "\": must be one of "
                    + String.join(", ", PROVIDERS));
        }
        SettingCheck.present(MrPoolSettings.PATH, mrPool);
        SettingCheck.present(RecoverySettings.PATH, recovery);
        SettingCheck.present(QueueSettings.SEND_PATH, queues);
        SettingCheck.present(ConnectionSettings.PATH, connection);
        SettingCheck.positive(COORDINATED_SHUTDOWN_TIMEOUT, coordinatedShutdownTimeout);
    }

    /** As read before the CoordinatedShutdown bound was configurable: it takes reference.conf's value. */
    public TransportSettings(String provider, MrPoolSettings mrPool, RecoverySettings recovery, QueueSettings queues,
                             ConnectionSettings connection) {
        this(provider, mrPool, recovery, queues, connection, DEFAULT_COORDINATED_SHUTDOWN_TIMEOUT);
    }

    /**
     * Reads {@value #ROOT} from an ActorSystem's configuration ({@code application.conf} over reference.conf),
     * typed or classic.
     *
     * @throws SettingsException naming the first key whose value is missing, mistyped or out of range, or an
     *                           unknown key when {@code frwr-transport.strict-keys = on}
     */
    public static TransportSettings create(ClassicActorSystemProvider system) {
        return fromConfig(system.classicSystem().settings().config());
    }

    /**
     * Reads {@value #ROOT} from a whole config, such as an ActorSystem's {@code settings().config()}; keys
     * it lacks come from reference.conf.
     *
     * Keys under {@value #ROOT} that reference.conf does not know are logged as warnings with the nearest known
     * key ({@link UnknownKeys}).
     *
     * @throws SettingsException naming the first key whose value is missing, mistyped or out of range, or every
     *                           unknown key when {@code frwr-transport.strict-keys = on}
     */
    public static TransportSettings fromConfig(Config config) {
        final Config merged = config.withFallback(ConfigFactory.defaultReference()).resolve();
        final SettingsReader r = new SettingsReader(merged);
        UnknownKeys.report(merged, r);
        return new TransportSettings(
                r.getString(ROOT + ".provider"),
                MrPoolSettings.read(r),
                RecoverySettings.read(r),
                QueueSettings.read(r),
                ConnectionSettings.read(r),
                r.getDuration(COORDINATED_SHUTDOWN_TIMEOUT));
    }

    /** application.conf, system properties and reference.conf, as {@link ConfigFactory#load()} finds them. */
    public static TransportSettings load() {
        return fromConfig(ConfigFactory.load());
    }

    // ---- copies with one value changed; each is validated as if read from config ----

    /** {@code provider}: {@value #PROVIDER_SIM} or {@value #PROVIDER_DISNI}. */
    public TransportSettings withProvider(String name) {
        return new TransportSettings(name, mrPool, recovery, queues, connection, coordinatedShutdownTimeout);
    }

    /** The whole {@code mr-pool} block. */
    public TransportSettings withMrPool(MrPoolSettings pool) {
        return new TransportSettings(provider, pool, recovery, queues, connection, coordinatedShutdownTimeout);
    }

    /** The whole {@code recovery} block. */
    public TransportSettings withRecovery(RecoverySettings r) {
        return new TransportSettings(provider, mrPool, r, queues, connection, coordinatedShutdownTimeout);
    }

    /** The {@code send-queue} and {@code receive-queue} blocks. */
    public TransportSettings withQueues(QueueSettings q) {
        return new TransportSettings(provider, mrPool, recovery, q, connection, coordinatedShutdownTimeout);
    }

    /** The whole {@code connection} block. */
    public TransportSettings withConnection(ConnectionSettings c) {
        return new TransportSettings(provider, mrPool, recovery, queues, c, coordinatedShutdownTimeout);
    }

    /** {@code mr-pool.size}: MRs per connection, 1..16777216. */
    public TransportSettings withMrPoolSize(int size) {
        return withMrPool(mrPool.withSize(size));
    }

    /** {@code mr-pool.max-frmr-depth}: pages per MR, 1..65536. */
    public TransportSettings withMaxFrmrDepth(int pages) {
        return withMrPool(mrPool.withMaxFrmrDepth(pages));
    }

    /** {@code mr-pool.when-exhausted} and, for WAIT, {@code mr-pool.acquire-timeout}. */
    public TransportSettings withWhenExhausted(WhenExhausted when, Duration acquireTimeout) {
        return withMrPool(mrPool.withWhenExhausted(when, acquireTimeout));
    }

    /** {@code mr-pool.when-exhausted}, keeping the acquire timeout. */
    public TransportSettings withWhenExhausted(WhenExhausted when) {
        return withWhenExhausted(when, mrPool.acquireTimeout());
    }

    /** {@code mr-pool.acquire-mode} and {@code mr-pool.batch-size}. */
    public TransportSettings withAcquireMode(AcquireMode mode, int batchSize) {
        return withMrPool(mrPool.withAcquireMode(mode, batchSize));
    }

    /** {@code recovery.strategy}. */
    public TransportSettings withRecoveryStrategy(RecoveryStrategy strategy) {
        return withRecovery(recovery.withStrategy(strategy));
    }

    /** {@code recovery.parallelism}: recoveries at once, 1..1024. */
    public TransportSettings withRecoveryParallelism(int parallelism) {
        return withRecovery(recovery.withParallelism(parallelism));
    }

    /** {@code recovery.max-retries}: 0..100. */
    public TransportSettings withRecoveryMaxRetries(int maxRetries) {
        return withRecovery(recovery.withMaxRetries(maxRetries));
    }

    /** {@code send-queue.depth} and {@code send-queue.signal-interval}. */
    public TransportSettings withSendQueue(int depth, int signalInterval) {
        return withQueues(new QueueSettings(depth, signalInterval, queues.receiveQueueDepth()));
    }

    /** {@code receive-queue.depth}. */
    public TransportSettings withReceiveQueueDepth(int depth) {
        return withQueues(new QueueSettings(queues.sendQueueDepth(), queues.signalInterval(), depth));
    }

    /** {@code connection.request-wait}: how long requests wait while the connection is down, 0 = not at all. */
    public TransportSettings withRequestWait(Duration wait) {
        final ConnectionSettings c = connection;
        return withConnection(new ConnectionSettings(c.connectTimeout(), c.drainTimeout(), wait,
                c.requestQueueLimit(), c.reconnect()));
    }

    /** {@code connection.reconnect}: the reconnect backoff and how many failed attempts are allowed. */
    public TransportSettings withReconnect(ReconnectSettings reconnect) {
        final ConnectionSettings c = connection;
        return withConnection(new ConnectionSettings(c.connectTimeout(), c.drainTimeout(), c.requestWait(),
                c.requestQueueLimit(), reconnect));
    }

    /** {@value #COORDINATED_SHUTDOWN_TIMEOUT}. */
    public TransportSettings withCoordinatedShutdownTimeout(Duration timeout) {
        return new TransportSettings(provider, mrPool, recovery, queues, connection, timeout);
    }
}
