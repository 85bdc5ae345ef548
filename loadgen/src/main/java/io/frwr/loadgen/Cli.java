package io.frwr.loadgen;

import io.frwr.config.AcquireMode;
import io.frwr.config.RecoveryStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./frwr} and {@code ./frwr loadgen}'s command lines, declared for picocli: the options with their
 * types, ranges and defaults (the help text is generated from them), and one {@link UsageException} line
 * for every refusal, naming the option, the value and what is allowed ({@code --pool-size '0': must be in
 * 1..65536}).
 */
public final class Cli {
    /** The most workers --concurrency accepts. */
    public static final int MAX_CONCURRENCY = 128;
    /** The largest --pool-size accepted. */
    public static final int MAX_POOL_SIZE = 65536;
    /** The highest --fault-rate accepted, in QP breaks per second. */
    public static final double MAX_FAULT_RATE = 1000.0;

    private Cli() {
    }

    /** True if the arguments ask for help ({@code --help} or {@code -h} anywhere, even after a bad option). */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /** True if the arguments ask for the version ({@code --version} or {@code -V}). */
    public static boolean wantsVersion(List<String> args) {
        return args.contains("--version") || args.contains("-V");
    }

    /** {@code ./frwr --help}. */
    public static String mainUsage() {
        final CommandLine cl = new CommandLine(new Frwr());
        cl.setUsageHelpWidth(110);
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** {@code ./frwr loadgen --help}: generated from the options below, in sections. */
    public static String loadgenUsage() {
        final CommandLine cl = commandLine(new Loadgen());
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** The command line of {@code loadgen} (everything after the word {@code loadgen}). */
    public static LoadgenOptions parse(List<String> args) throws UsageException {
        final Loadgen l = new Loadgen();
        try {
            commandLine(l).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new UsageException(refusal(e));
        }
        return l.build(args);
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

    private static CommandLine commandLine(Loadgen command) {
        final CommandLine cl = new CommandLine(command);
        cl.setOverwrittenOptionsAllowed(false);
        cl.setUnmatchedArgumentsAllowed(false);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setUsageHelpWidth(110);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, Cli::optionSections);
        return cl;
    }

    /** picocli's refusal, said as one line: the option, the value as typed, what is allowed. */
    static String refusal(ParameterException e) {
        if (e instanceof CommandLine.OverwrittenOptionException o) {
            return name(o.getOverwritten()) + " is given twice";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            return name(m.getMissing().get(0)) + " needs a value (see --help)";
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            final String arg = u.getUnmatched().get(0);
            if (!arg.startsWith("-")) {
                return "unexpected argument '" + arg + "': options start with -- (see --help)";
            }
            final String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            final String near = nearest(option, e.getCommandLine().getCommandSpec().optionsMap().keySet());
            return "unknown option " + option + (near == null ? "" : " (did you mean " + near + "?)")
                    + " (see ./frwr loadgen --help)";
        }
        if (e.getArgSpec() instanceof OptionSpec o && o.arity().max() == 0 && e.getValue() != null) {
            return o.longestName() + " takes no value, was given '" + e.getValue() + "'";
        }
        if (e.getCause() instanceof TypeConversionException t && e.getArgSpec() != null) {
            return name(e.getArgSpec()) + " '" + e.getValue() + "': " + t.getMessage();
        }
        final String m = e.getMessage();
        // picocli: "option '--verbose' should be specified without 'yes' parameter"
        if (m != null && m.startsWith("option '") && m.contains("' should be specified without '")) {
            final String option = m.substring(8, m.indexOf('\''));
            final int v = m.indexOf("without '") + 9;
            return option + " takes no value, was given '" + m.substring(v, m.indexOf('\'', v)) + "'";
        }
        return m;
    }

    /** The option name within edit distance 2 of a mistyped one (the closest, the first if tied), or null. */
    static String nearest(String typed, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = 3;
        for (String n : names) {
            final int d = distance(typed, n);
            if (n.startsWith("--") && d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            final int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String name(ArgSpec spec) {
        return spec instanceof OptionSpec o ? o.longestName() : spec.paramLabel();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The options. Sections of the help follow `order`: 1x workload, 2x transport, 3x simulated fabric,
    // 4x output, 5x real RDMA.

    @Command(name = "frwr", synopsisHeading = "", customSynopsis = "usage: ./frwr <command> [options]",
            description = {"", "commands:",
                "  loadgen   NFSv3 over RPC-over-RDMA under load, with QP faults, MR recovery and invariant checks",
                "            (simulated fabric by default; ./frwr loadgen --help for its options)"},
            footer = {"", "exit codes: 0 ok, 1 an invariant failed, 2 bad command line, 3 the DiSNI provider cannot"
                    + " run here"})
    static final class Frwr {
    }

    @Command(name = "loadgen", synopsisHeading = "", customSynopsis = "usage: ./frwr loadgen [options]",
            versionProvider = BuildInfo.VersionProvider.class,
            description = {"",
                "Runs an NFSv3 client and server over RPC-over-RDMA in one JVM on the simulated fabric: each worker"
                    + " WRITEs seeded random data to its own file region, READs it back and compares checksums, with"
                    + " some GETATTR and NULL calls. Prints a progress line per second, a perftest-style table, the"
                    + " transport's and the client's counters, and the invariant checks (exit 1 if any failed)."},
            footer = {"", "Output files (--json, --pcap, --timeline, --plot) are checked before the run: one that"
                    + " cannot be written is refused with exit code 2.",
                "", "exit codes: 0 all invariants OK, 1 an invariant failed, 2 bad option, 3 DiSNI cannot run here"})
    static final class Loadgen {
        @Option(names = "--duration", paramLabel = "D", order = 10, defaultValue = "20s",
                converter = RunDuration.class, description = "how long workers issue calls (default ${DEFAULT-VALUE};"
                + " 100ms..24h)")
        Duration duration;

        @Option(names = "--concurrency", paramLabel = "N", order = 11, defaultValue = "16",
                converter = Concurrency.class, description = "calls in flight the workers keep, one per worker"
                + " (default ${DEFAULT-VALUE}; 1.." + MAX_CONCURRENCY + ")")
        int concurrency;

        @Option(names = "--payload", paramLabel = "MIX", order = 12, defaultValue = "4k:60,64k:30,1m:10",
                converter = Payload.class, description = {"sizes, or size:weight pairs (default ${DEFAULT-VALUE};"
                + " sizes 1..1m)", "e.g. 4k | 64k,1m | 4k:70,64k:25,1m:5"})
        PayloadMix payload;

        @Option(names = "--server-latency", paramLabel = "D", order = 13, defaultValue = "0s",
                converter = ServerLatency.class, description = "the server's storage service time per call"
                + " (default ${DEFAULT-VALUE}; 0s..10s)")
        Duration serverLatency;

        @Option(names = "--call-timeout", paramLabel = "D", order = 14, defaultValue = "10s",
                converter = CallTimeout.class, description = "a call fails TIMEOUT after this (default"
                + " ${DEFAULT-VALUE}; 100ms..10m)")
        Duration callTimeout;

        @Option(names = "--remote-invalidation", paramLabel = "X", order = 15, converter = OnOff.class,
                description = "on | off: RFC 8797 SEND_WITH_INV replies, or LOCAL_INV for every registration"
                        + " (default on; always off with disni)")
        Switch remoteInvalidation;

        @Option(names = "--seed", paramLabel = "N", order = 16, defaultValue = "1", converter = Seed.class,
                description = "seeds data, payload choice, the fabric and faults (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--pool-size", paramLabel = "N", order = 20, defaultValue = "64", converter = PoolSize.class,
                description = "MRs in the pool (default ${DEFAULT-VALUE}; 1.." + MAX_POOL_SIZE + ")")
        int poolSize;

        @Option(names = "--acquire-mode", paramLabel = "M", order = 21, defaultValue = "per-chunk",
                converter = Acquire.class, description = "per-chunk | batch (default ${DEFAULT-VALUE})")
        AcquireMode acquireMode;

        @Option(names = "--batch-size", paramLabel = "N", order = 22, converter = PoolSize.class,
                description = "MRs reserved per call in batch mode (default 8, at most --pool-size)")
        Integer batchSize;

        @Option(names = "--recovery-parallelism", paramLabel = "N", order = 23, defaultValue = "4",
                converter = Parallelism.class, description = "MR recoveries running at once (default"
                + " ${DEFAULT-VALUE}; 1..1024)")
        int recoveryParallelism;

        @Option(names = "--recovery-strategy", paramLabel = "S", order = 24, defaultValue = "per-mr",
                converter = Recovery.class, description = "per-mr | rebuild-on-reconnect (default ${DEFAULT-VALUE})")
        RecoveryStrategy recoveryStrategy;

        @Option(names = "--fault-rate", paramLabel = "R", order = 30, converter = FaultRate.class,
                description = "QP errors injected per second, seeded exponential gaps (default 0.5; 0 = none;"
                        + " 0..1000)")
        Double faultRate;

        @Option(names = "--fabric-costs", paramLabel = "C", order = 31, defaultValue = "default",
                converter = Costs.class, description = {"default: MR alloc/dereg 50us, FAST_REG 1us, 0.1ns/byte,"
                + " wire 2us;", "none: everything free (default ${DEFAULT-VALUE})"})
        FabricCosts fabricCosts;

        @Option(names = "--pcap", paramLabel = "FILE", order = 32, converter = FilePath.class,
                description = "write every packet as RoCEv2 pcap (Wireshark/tshark decode NFS)")
        Path pcap;

        @Option(names = "--json", paramLabel = "FILE", order = 40, converter = FilePath.class,
                description = "write the results as JSON (typed numbers, schemaVersion, config; docs/loadgen.md)")
        Path json;

        @Option(names = "--timeline", paramLabel = "FILE", order = 41, converter = FilePath.class,
                description = "write JSON lines as the run goes: one per second (calls/s, MB/s, p50/p99/max"
                        + " latency, MRs, reconnects) and one per fault and reconnect")
        Path timeline;

        @Option(names = "--plot", paramLabel = "FILE", order = 42, converter = PlotPath.class,
                description = "draw throughput and p99 latency per second, faults and reconnects marked (a .png)")
        Path plot;

        @Option(names = "--verbose", order = 43, description = "log akka and io.frwr at INFO (default WARN)")
        boolean verbose;

        @Option(names = {"-h", "--help"}, order = 44, usageHelp = true, description = "this text")
        boolean help;

        @Option(names = {"-V", "--version"}, order = 45, versionHelp = true,
                description = "the version and the git commit it was built from")
        boolean version;

        @Option(names = "--provider", paramLabel = "P", order = 50, converter = ProviderChoice.class,
                description = {"sim | disni (default sim, or frwr-transport.provider); with disni where DiSNI cannot"
                        + " run, the reason is printed and the exit code is 3"})
        LoadgenOptions.Provider provider;

        @Option(names = "--role", paramLabel = "R", order = 51, converter = RoleChoice.class,
                description = "server | client")
        LoadgenOptions.Role role;

        @Option(names = "--address", paramLabel = "HOST:PORT", order = 52, converter = HostPort.class,
                description = "the server's RDMA address (server listens, client connects)")
        String address;

        @Option(names = "--device", paramLabel = "NAME|IP", order = 53, converter = DeviceName.class,
                description = "the local RDMA device (client: required; server: default HOST)")
        String device;

        /** The checks between options, and the defaults that depend on other options. */
        LoadgenOptions build(List<String> args) throws UsageException {
            final LoadgenOptions.Provider p = provider != null ? provider
                    : providerFromConfig(LoadgenOptions.defaults().provider());
            final int batch = batchSize != null ? batchSize : Math.min(LoadgenOptions.defaults().batchSize(), poolSize);
            if (batch > poolSize) {
                throw new UsageException("--batch-size " + batch + ": must not exceed --pool-size " + poolSize);
            }
            if (p == LoadgenOptions.Provider.SIM) {
                if (role != null || address != null || device != null) {
                    throw new UsageException((role != null ? "--role" : address != null ? "--address" : "--device")
                            + " is only for --provider disni");
                }
            } else {
                if (pcap != null) {
                    throw new UsageException("--pcap " + pcap + ": capture needs --provider sim (use tcpdump/ibdump"
                            + " on the NIC with disni)");
                }
                if (faultRate != null && faultRate > 0) {
                    throw new UsageException("--fault-rate " + faultRate + ": fault injection needs --provider sim;"
                            + " with disni it must be 0");
                }
                if (remoteInvalidation == Switch.ON) {
                    throw new UsageException("--remote-invalidation on: a DiSNI registration cannot be invalidated"
                            + " remotely (docs/disni.md); with disni it is off");
                }
            }
            final double rate = faultRate != null ? faultRate
                    : p == LoadgenOptions.Provider.SIM ? LoadgenOptions.defaults().faultRate() : 0.0;
            final boolean invalidation = remoteInvalidation != null ? remoteInvalidation == Switch.ON
                    : p == LoadgenOptions.Provider.SIM;
            return new LoadgenOptions(duration, concurrency, payload, poolSize, acquireMode, batch,
                    recoveryParallelism, recoveryStrategy, serverLatency, rate, seed, json, pcap, timeline, plot, p,
                    role, address, device, fabricCosts, callTimeout, invalidation, verbose, List.copyOf(args));
        }
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

    /** The option list in sections, each option under the heading of its {@code order}'s tens. */
    private static String optionSections(CommandLine.Help help) {
        final String[] headings = {"workload", "transport", "simulated fabric", "output",
            "real RDMA (two processes; needs an RDMA device, libdisni, and java --add-exports%n"
                    + "  java.base/sun.nio.ch=ALL-UNNAMED, which ./frwr passes)"};
        final StringBuilder sb = new StringBuilder();
        for (int s = 0; s < headings.length; s++) {
            final List<OptionSpec> options = new ArrayList<>();
            for (OptionSpec o : help.commandSpec().options()) {
                if (o.order() / 10 == s + 1) {
                    options.add(o);
                }
            }
            options.sort((a, b) -> Integer.compare(a.order(), b.order()));
            final CommandLine.Help.Layout layout = help.createDefaultLayout();
            for (OptionSpec o : options) {
                layout.addOption(o, help.parameterLabelRenderer());
            }
            sb.append(String.format("%n" + headings[s] + ":%n")).append(layout);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Converters: each refusal says what is allowed; picocli adds the option and the value (see refusal()).

    /** A whole number in a range. */
    public abstract static class IntIn implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        IntIn(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String value) {
            final long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a whole number in " + min + ".." + max);
            }
            if (v < min || v > max) {
                throw new TypeConversionException("must be in " + min + ".." + max);
            }
            return (int) v;
        }
    }

    /** {@code --concurrency}: how many workers call at once. */
    public static final class Concurrency extends IntIn {
        /** Made by picocli, once per option. */
        public Concurrency() {
            super(1, MAX_CONCURRENCY);
        }
    }

    /** {@code --pool-size}: MRs per connection. */
    public static final class PoolSize extends IntIn {
        /** Made by picocli, once per option. */
        public PoolSize() {
            super(1, MAX_POOL_SIZE);
        }
    }

    /** {@code --recovery-parallelism}: broken MRs recovered at once. */
    public static final class Parallelism extends IntIn {
        /** Made by picocli, once per option. */
        public Parallelism() {
            super(1, 1024);
        }
    }

    /** A duration with a unit (ns, us, ms, s, m) in a range. */
    public abstract static class DurationIn implements ITypeConverter<Duration> {
        private final Duration min;
        private final Duration max;
        private final String range;

        DurationIn(Duration min, Duration max, String range) {
            this.min = min;
            this.max = max;
            this.range = range;
        }

        @Override
        public Duration convert(String value) {
            final Duration d;
            try {
                d = DurationArg.parse(value);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new TypeConversionException("must be a duration in " + range
                        + " with a unit (ns, us, ms, s, m, h)");
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new TypeConversionException("must be in " + range);
            }
            return d;
        }
    }

    /** {@code --duration}: how long the workers call. */
    public static final class RunDuration extends DurationIn {
        /** Made by picocli, once per option. */
        public RunDuration() {
            super(Duration.ofMillis(100), Duration.ofHours(24), "100ms..24h");
        }
    }

    /** {@code --server-latency}: how long the server sits on each call. */
    public static final class ServerLatency extends DurationIn {
        /** Made by picocli, once per option. */
        public ServerLatency() {
            super(Duration.ZERO, Duration.ofSeconds(10), "0s..10s");
        }
    }

    /** {@code --call-timeout}: how long the client waits for a reply before the call fails. */
    public static final class CallTimeout extends DurationIn {
        /** Made by picocli, once per option. */
        public CallTimeout() {
            super(Duration.ofMillis(100), Duration.ofMinutes(10), "100ms..10m");
        }
    }

    /** {@code --seed}: every random choice of the run (payloads, faults) comes from it. */
    public static final class Seed implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a whole number (a 64-bit seed)");
            }
        }
    }

    /** {@code --fault-rate}: QP breaks per second, 0 for none. */
    public static final class FaultRate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            final double v;
            try {
                v = Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a number of QP errors per second in 0.."
                        + (int) MAX_FAULT_RATE);
            }
            if (!(v >= 0 && v <= MAX_FAULT_RATE)) {
                throw new TypeConversionException("must be in 0.." + (int) MAX_FAULT_RATE
                        + " QP errors per second (0 = none)");
            }
            return v;
        }
    }

    /** {@code --payload}: sizes or a weighted mix, as {@link PayloadMix} parses it. */
    public static final class Payload implements ITypeConverter<PayloadMix> {
        @Override
        public PayloadMix convert(String value) {
            try {
                return PayloadMix.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** An output file (--json, --timeline, --pcap): checked writable before the run, so a bad path exits 2 at once. */
    public static class FilePath implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("must be a file path");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new TypeConversionException("is not a valid file path (" + e.getReason() + ")");
            }
        }
    }

    /** A picture: PNG. */
    public static final class PlotPath extends FilePath {
        @Override
        public Path convert(String value) {
            final Path p = super.convert(value);
            if (!TimelinePlot.isPng(p)) {
                throw new TypeConversionException("must end in .png (the picture is a PNG)");
            }
            return p;
        }
    }

    /** {@code --address}: host:port of the DiSNI server. */
    public static final class HostPort implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            final int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("must be host:port ([v6]:port for IPv6)");
            }
            final int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("port must be a whole number in 1..65535");
            }
            if (port < 1 || port > 65535) {
                throw new TypeConversionException("port must be in 1..65535");
            }
            return value.substring(0, colon) + ":" + port;
        }
    }

    /** {@code --device}: the RDMA device DiSNI opens. */
    public static final class DeviceName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("must name a device (rxe0) or an IP address of one");
            }
            return value;
        }
    }

    /** One of a few spellings, each standing for a value. */
    abstract static class Choice<T> implements ITypeConverter<T> {
        private final String[] names;
        private final List<T> values;

        @SafeVarargs
        Choice(String a, String b, T... values) {
            this.names = new String[] {a, b};
            this.values = List.of(values);
        }

        @Override
        public T convert(String value) {
            final String v = value.trim().toLowerCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(v)) {
                    return values.get(i);
                }
            }
            throw new TypeConversionException("must be " + names[0] + " or " + names[1]);
        }
    }

    /** {@code --acquire-mode}: per-chunk or batch MR acquisition. */
    public static final class Acquire extends Choice<AcquireMode> {
        /** Made by picocli, once per option. */
        public Acquire() {
            super("per-chunk", "batch", AcquireMode.PER_CHUNK, AcquireMode.BATCH);
        }
    }

    /** {@code --recovery-strategy}: per-mr or rebuild-on-reconnect. */
    public static final class Recovery extends Choice<RecoveryStrategy> {
        /** Made by picocli, once per option. */
        public Recovery() {
            super("per-mr", "rebuild-on-reconnect", RecoveryStrategy.PER_MR, RecoveryStrategy.REBUILD_ON_RECONNECT);
        }
    }

    /** {@code --provider}: sim or disni. */
    public static final class ProviderChoice extends Choice<LoadgenOptions.Provider> {
        /** Made by picocli, once per option. */
        public ProviderChoice() {
            super("sim", "disni", LoadgenOptions.Provider.SIM, LoadgenOptions.Provider.DISNI);
        }
    }

    /** {@code --role}: which end of a two-process DiSNI run this is. */
    public static final class RoleChoice extends Choice<LoadgenOptions.Role> {
        /** Made by picocli, once per option. */
        public RoleChoice() {
            super("server", "client", LoadgenOptions.Role.SERVER, LoadgenOptions.Role.CLIENT);
        }
    }

    /** {@code --fabric-costs}: the simulated fabric's cost model. */
    public static final class Costs extends Choice<FabricCosts> {
        /** Made by picocli, once per option. */
        public Costs() {
            super("none", "default", FabricCosts.NONE, FabricCosts.DEFAULT);
        }
    }

    /** on | off (not a Boolean: picocli would read a Boolean option as a flag). */
    enum Switch { ON, OFF }

    /** {@code --remote-invalidation}: on or off. */
    public static final class OnOff extends Choice<Switch> {
        /** Made by picocli, once per option. */
        public OnOff() {
            super("on", "off", Switch.ON, Switch.OFF);
        }
    }
}
