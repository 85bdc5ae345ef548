package io.frwr.config;

import akka.actor.ClassicActorSystemProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * What is shared by every transport of one ActorSystem, held by its extension ({@code FrwrTransport}).
 *
 * @param blockingVerbsThreads threads of the one executor that runs blocking verbs (MR deregistration and
 *                             allocation in recovery) for every transport of the system, 1..1024
 * @param sharedSimFabric      with the {@code sim} provider: devices are endpoints of the one JVM-wide fabric
 *                             (on) or of a fabric of this system's own (off)
 */
public record SystemSettings(int blockingVerbsThreads, boolean sharedSimFabric) {
    /** {@code frwr-transport.blocking-verbs.threads}. */
    public static final String THREADS = TransportSettings.ROOT + ".blocking-verbs.threads";
    /** {@code frwr-transport.sim.shared-fabric}. */
    public static final String SHARED_SIM_FABRIC = TransportSettings.ROOT + ".sim.shared-fabric";

    /** Validates the thread count, naming the key. */
    public SystemSettings {
        SettingCheck.between(THREADS, blockingVerbsThreads, 1, 1024);
    }

    /** Reads both keys from a whole config; keys it lacks come from reference.conf. */
    public static SystemSettings fromConfig(Config config) {
        final SettingsReader r = new SettingsReader(config.withFallback(ConfigFactory.defaultReference()).resolve());
        return new SystemSettings(r.getInt(THREADS), r.getBoolean(SHARED_SIM_FABRIC));
    }

    /** Reads both keys from an ActorSystem's configuration. */
    public static SystemSettings create(ClassicActorSystemProvider system) {
        return fromConfig(system.classicSystem().settings().config());
    }

    /** With {@code n} threads for blocking verbs. */
    public SystemSettings withBlockingVerbsThreads(int n) {
        return new SystemSettings(n, sharedSimFabric);
    }

    /** Opening sim devices on the JVM-wide fabric (true) or on the system's own (false). */
    public SystemSettings withSharedSimFabric(boolean shared) {
        return new SystemSettings(blockingVerbsThreads, shared);
    }
}
