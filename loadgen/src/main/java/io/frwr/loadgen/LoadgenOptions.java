package io.frwr.loadgen;

import io.frwr.config.AcquireMode;
import io.frwr.config.RecoveryStrategy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The effective options of one {@code loadgen} run (see {@link Cli} or {@code ./frwr loadgen --help} for each
 * one's meaning). {@code json}, {@code pcap}, {@code timeline}, {@code plot}, {@code role}, {@code address} and
 * {@code device} may be null; {@code args} is the command line as given (after the word {@code loadgen}).
 */
public record LoadgenOptions(Duration duration, int concurrency, PayloadMix payload, int poolSize,
                             AcquireMode acquireMode, int batchSize, int recoveryParallelism,
                             RecoveryStrategy recoveryStrategy, Duration serverLatency, double faultRate, long seed,
                             Path json, Path pcap, Path timeline, Path plot, Provider provider, Role role, String address, String device,
                             FabricCosts fabricCosts, Duration callTimeout, boolean remoteInvalidation,
                             boolean verbose, List<String> args) {
    /** Which verbs provider carries the run: the simulated fabric or DiSNI. */
    public enum Provider { SIM, DISNI }

    /** In a two-process DiSNI run, which end this process is. */
    public enum Role { SERVER, CLIENT }

    /** {@return the options of a plain {@code ./frwr loadgen}} */
    public static LoadgenOptions defaults() {
        return new LoadgenOptions(Duration.ofSeconds(20), 16, PayloadMix.parse("4k:60,64k:30,1m:10"), 64,
                AcquireMode.PER_CHUNK, 8, 4, RecoveryStrategy.PER_MR, Duration.ZERO, 0.5, 1L, null, null,
                null, null, Provider.SIM, null, null, null, FabricCosts.DEFAULT, Duration.ofSeconds(10), true, false,
                List.of());
    }

    /** The options as their command-line spelling, for the text report. */
    public Map<String, String> asConfig() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", lower(provider));
        m.put("duration", DurationArg.format(duration));
        m.put("concurrency", Integer.toString(concurrency));
        m.put("payload", payload.toString());
        m.put("pool-size", Integer.toString(poolSize));
        m.put("acquire-mode", acquireMode == AcquireMode.PER_CHUNK ? "per-chunk" : "batch");
        m.put("batch-size", Integer.toString(batchSize));
        m.put("recovery-parallelism", Integer.toString(recoveryParallelism));
        m.put("recovery-strategy", recoveryStrategy == RecoveryStrategy.PER_MR ? "per-mr" : "rebuild-on-reconnect");
        m.put("server-latency", DurationArg.format(serverLatency));
        m.put("fault-rate", Double.toString(faultRate));
        m.put("seed", Long.toString(seed));
        m.put("fabric-costs", lower(fabricCosts));
        m.put("call-timeout", DurationArg.format(callTimeout));
        m.put("remote-invalidation", remoteInvalidation ? "on" : "off");
        if (json != null) {
            m.put("json", json.toString());
        }
        if (pcap != null) {
            m.put("pcap", pcap.toString());
        }
        if (timeline != null) {
            m.put("timeline", timeline.toString());
        }
        if (plot != null) {
            m.put("plot", plot.toString());
        }
        if (role != null) {
            m.put("role", lower(role));
        }
        if (address != null) {
            m.put("address", address);
        }
        if (device != null) {
            m.put("device", device);
        }
        return m;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
