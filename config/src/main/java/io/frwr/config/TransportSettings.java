package io.frwr.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
 */
public record TransportSettings(String provider, MrPoolSettings mrPool, RecoverySettings recovery,
                                QueueSettings queues, ConnectionSettings connection) {
    public static final String ROOT = "frwr-transport";
    public static final String PROVIDER_SIM = "sim";
    public static final String PROVIDER_DISNI = "disni";
    private static final List<String> PROVIDERS = List.of(PROVIDER_SIM, PROVIDER_DISNI);

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
    }

    /**
     * Reads {@value #ROOT} from a whole config, such as an ActorSystem's {@code settings().config()}; keys
     * it lacks come from reference.conf.
     *
     * @throws SettingsException naming the first key whose value is missing, mistyped or out of range
     */
    public static TransportSettings fromConfig(Config config) {
        final Config merged = config.withFallback(ConfigFactory.defaultReference()).resolve();
        final SettingsReader r = new SettingsReader(merged);
        return new TransportSettings(
                r.getString(ROOT + ".provider"),
                MrPoolSettings.read(r),
                RecoverySettings.read(r),
                QueueSettings.read(r),
                ConnectionSettings.read(r));
    }

    /** application.conf, system properties and reference.conf, as {@link ConfigFactory#load()} finds them. */
    public static TransportSettings load() {
        return fromConfig(ConfigFactory.load());
    }
}
