package io.frwr.loadgen;

import io.frwr.config.AcquireMode;
import io.frwr.config.RecoveryStrategy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses {@code loadgen}'s options ({@code --name value} or {@code --name=value}). Every refusal is one
 * {@link UsageException} line naming the option, the value and what is allowed.
 */
public final class OptionParser {
    public static final int MAX_CONCURRENCY = 128;
    public static final int MAX_POOL_SIZE = 65536;
    public static final double MAX_FAULT_RATE = 1000.0;
    static final Duration MIN_DURATION = Duration.ofMillis(100);
    static final Duration MAX_DURATION = Duration.ofHours(24);
    static final Duration MAX_SERVER_LATENCY = Duration.ofSeconds(10);

    private Duration duration;
    private int concurrency;
    private PayloadMix payload;
    private int poolSize;
    private AcquireMode acquireMode;
    private Integer batchSize;
    private int recoveryParallelism;
    private RecoveryStrategy recoveryStrategy;
    private Duration serverLatency;
    private Double faultRate;
    private long seed;
    private Path json;
    private Path pcap;
    private LoadgenOptions.Provider provider;
    private LoadgenOptions.Role role;
    private String address;
    private String device;
    private FabricCosts fabricCosts;
    private Duration callTimeout;
    private Boolean remoteInvalidation;
    private boolean verbose;

    /** The options that take a value, as {@link #set} knows them. */
    private static final java.util.Set<String> VALUED = java.util.Set.of("--duration", "--concurrency", "--payload",
            "--pool-size", "--acquire-mode", "--batch-size", "--recovery-parallelism", "--recovery-strategy",
            "--server-latency", "--fault-rate", "--seed", "--json", "--pcap", "--provider", "--role", "--address",
            "--device", "--fabric-costs", "--call-timeout", "--remote-invalidation");

    private OptionParser() throws UsageException {
        final LoadgenOptions d = LoadgenOptions.defaults();
        duration = d.duration();
        concurrency = d.concurrency();
        payload = d.payload();
        poolSize = d.poolSize();
        acquireMode = d.acquireMode();
        recoveryParallelism = d.recoveryParallelism();
        recoveryStrategy = d.recoveryStrategy();
        serverLatency = d.serverLatency();
        seed = d.seed();
        provider = providerFromConfig(d.provider());
        fabricCosts = d.fabricCosts();
        callTimeout = d.callTimeout();
    }

    /** True if the arguments ask for help ({@code --help} or {@code -h} anywhere). */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    public static LoadgenOptions parse(List<String> args) throws UsageException {
        final OptionParser p = new OptionParser();
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "': options start with -- (see --help)");
            }
            final int eq = arg.indexOf('=');
            final String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!seen.add(name)) {
                throw new UsageException(name + " is given twice");
            }
            if (name.equals("--verbose")) {
                if (eq >= 0) {
                    throw new UsageException("--verbose takes no value, was given '" + arg.substring(eq + 1) + "'");
                }
                p.verbose = true;
                continue;
            }
            final String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else if (!VALUED.contains(name)) {
                throw new UsageException("unknown option " + name + " (see ./frwr loadgen --help)");
            } else {
                throw new UsageException(name + " needs a value (see --help)");
            }
            p.set(name, value);
        }
        return p.build();
    }

    private void set(String name, String value) throws UsageException {
        switch (name) {
            case "--duration" -> duration = durationIn(name, value, MIN_DURATION, MAX_DURATION, "100ms..24h");
            case "--concurrency" -> concurrency = intIn(name, value, 1, MAX_CONCURRENCY);
            case "--payload" -> payload = payloadMix(name, value);
            case "--pool-size" -> poolSize = intIn(name, value, 1, MAX_POOL_SIZE);
            case "--acquire-mode" -> acquireMode = switch (value) {
                case "per-chunk" -> AcquireMode.PER_CHUNK;
                case "batch" -> AcquireMode.BATCH;
                default -> throw bad(name, value, "must be per-chunk or batch");
            };
            case "--batch-size" -> batchSize = intIn(name, value, 1, MAX_POOL_SIZE);
            case "--recovery-parallelism" -> recoveryParallelism = intIn(name, value, 1, 1024);
            case "--recovery-strategy" -> recoveryStrategy = switch (value) {
                case "per-mr" -> RecoveryStrategy.PER_MR;
                case "rebuild-on-reconnect" -> RecoveryStrategy.REBUILD_ON_RECONNECT;
                default -> throw bad(name, value, "must be per-mr or rebuild-on-reconnect");
            };
            case "--server-latency" -> serverLatency = durationIn(name, value, Duration.ZERO, MAX_SERVER_LATENCY,
                    "0s..10s");
            case "--fault-rate" -> faultRate = rate(name, value);
            case "--seed" -> seed = longValue(name, value);
            case "--json" -> json = path(name, value);
            case "--pcap" -> pcap = path(name, value);
            case "--provider" -> provider = switch (value) {
                case "sim" -> LoadgenOptions.Provider.SIM;
                case "disni" -> LoadgenOptions.Provider.DISNI;
                default -> throw bad(name, value, "must be sim or disni");
            };
            case "--role" -> role = switch (value) {
                case "server" -> LoadgenOptions.Role.SERVER;
                case "client" -> LoadgenOptions.Role.CLIENT;
                default -> throw bad(name, value, "must be server or client");
            };
            case "--address" -> address = hostPort(name, value);
            case "--device" -> device = nonEmpty(name, value);
            case "--fabric-costs" -> fabricCosts = switch (value) {
                case "none" -> FabricCosts.NONE;
                case "default" -> FabricCosts.DEFAULT;
                default -> throw bad(name, value, "must be none or default");
            };
            case "--call-timeout" -> callTimeout = durationIn(name, value, Duration.ofMillis(100),
                    Duration.ofMinutes(10), "100ms..10m");
            case "--remote-invalidation" -> remoteInvalidation = switch (value) {
                case "on" -> true;
                case "off" -> false;
                default -> throw bad(name, value, "must be on or off");
            };
            default -> throw new UsageException("unknown option " + name + " (see ./frwr loadgen --help)");
        }
    }

    private LoadgenOptions build() throws UsageException {
        final int batch = batchSize != null ? batchSize : Math.min(LoadgenOptions.defaults().batchSize(), poolSize);
        if (batch > poolSize) {
            throw new UsageException("--batch-size " + batch + ": must not exceed --pool-size " + poolSize);
        }
        if (provider == LoadgenOptions.Provider.SIM) {
            if (role != null || address != null || device != null) {
                throw new UsageException((role != null ? "--role" : address != null ? "--address" : "--device")
                        + " is only for --provider disni");
            }
        } else {
            if (pcap != null) {
                throw new UsageException("--pcap " + pcap + ": capture needs --provider sim (use tcpdump/ibdump on"
                        + " the NIC with disni)");
            }
            if (faultRate != null && faultRate > 0) {
                throw new UsageException("--fault-rate " + faultRate + ": fault injection needs --provider sim;"
                        + " with disni it must be 0");
            }
        }
        final double rate = faultRate != null ? faultRate
                : provider == LoadgenOptions.Provider.SIM ? LoadgenOptions.defaults().faultRate() : 0.0;
        if (provider == LoadgenOptions.Provider.DISNI && Boolean.TRUE.equals(remoteInvalidation)) {
            throw new UsageException("--remote-invalidation on: a DiSNI registration cannot be invalidated remotely"
                    + " (docs/disni.md); with disni it is off");
        }
        final boolean invalidation = remoteInvalidation != null ? remoteInvalidation
                : provider == LoadgenOptions.Provider.SIM;
        return new LoadgenOptions(duration, concurrency, payload, poolSize, acquireMode, batch, recoveryParallelism,
                recoveryStrategy, serverLatency, rate, seed, json, pcap, provider, role, address, device, fabricCosts,
                callTimeout, invalidation, verbose);
    }

    /** With {@code --provider disni}: both ends need a role and the server's address. */
    public static void requireDisniEndpoint(LoadgenOptions o) throws UsageException {
        if (o.role() == null) {
            throw new UsageException("--provider disni needs --role server|client");
        }
        if (o.address() == null) {
            throw new UsageException("--provider disni needs --address host:port (the server's RDMA address)");
        }
        if (o.role() == LoadgenOptions.Role.CLIENT && o.device() == null) {
            throw new UsageException("--role client needs --device NAME|IP (the local RDMA device, e.g. rxe0)");
        }
    }

    private static UsageException bad(String name, String value, String allowed) {
        return new UsageException(name + " '" + value + "': " + allowed);
    }

    private static int intIn(String name, String value, int min, int max) throws UsageException {
        final long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "must be a whole number in " + min + ".." + max);
        }
        if (v < min || v > max) {
            throw bad(name, value, "must be in " + min + ".." + max);
        }
        return (int) v;
    }

    private static long longValue(String name, String value) throws UsageException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "must be a whole number (a 64-bit seed)");
        }
    }

    private static double rate(String name, String value) throws UsageException {
        final double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw bad(name, value, "must be a number of QP errors per second in 0.." + (int) MAX_FAULT_RATE);
        }
        if (!(v >= 0 && v <= MAX_FAULT_RATE)) {
            throw bad(name, value, "must be in 0.." + (int) MAX_FAULT_RATE + " QP errors per second (0 = none)");
        }
        return v;
    }

    private static Duration durationIn(String name, String value, Duration min, Duration max, String range)
            throws UsageException {
        final Duration d;
        try {
            d = DurationArg.parse(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw bad(name, value, "must be a duration in " + range + " with a unit (ns, us, ms, s, m)");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw bad(name, value, "must be in " + range);
        }
        return d;
    }

    private static PayloadMix payloadMix(String name, String value) throws UsageException {
        try {
            return PayloadMix.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(name, value, e.getMessage());
        }
    }

    private static Path path(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw bad(name, value, "must be a file path");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(name, value, "is not a valid file path (" + e.getReason() + ")");
        }
    }

    private static String hostPort(String name, String value) throws UsageException {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw bad(name, value, "must be host:port ([v6]:port for IPv6)");
        }
        final int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw bad(name, value, "port must be a whole number in 1..65535");
        }
        if (port < 1 || port > 65535) {
            throw bad(name, value, "port must be in 1..65535");
        }
        return value.substring(0, colon) + ":" + port;
    }

    private static String nonEmpty(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw bad(name, value, "must name a device (rxe0) or an IP address of one");
        }
        return value;
    }

    /**
     * The default provider is the transport's own setting, frwr-transport.provider (application.conf or
     * -Dfrwr-transport.provider=disni); --provider overrides it.
     */
    private static LoadgenOptions.Provider providerFromConfig(LoadgenOptions.Provider fallback)
            throws UsageException {
        final com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.load();
        final String key = io.frwr.config.TransportSettings.ROOT + ".provider";
        if (!c.hasPath(key)) {
            return fallback;
        }
        final String v = c.getString(key);
        return switch (v) {
            case "sim" -> LoadgenOptions.Provider.SIM;
            case "disni" -> LoadgenOptions.Provider.DISNI;
            default -> throw new UsageException(key + " = \"" + v + "\": must be one of sim, disni");
        };
    }
}
