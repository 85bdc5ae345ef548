package io.frwr.loadgen;

import io.frwr.invariants.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code ./frwr <command>}: the project's main job. Exit codes: 0 ok, 1 invariant failed, 2 usage, 3 no DiSNI. */
public final class Main {
    /** Exit code: the run ended and every invariant held. */
    public static final int OK = 0;
    /** Exit code: an invariant failed. */
    public static final int INVARIANT_FAILED = 1;
    /** Exit code: bad options or an output path that cannot be written; nothing ran. */
    public static final int USAGE = 2;
    /** Exit code: --provider disni, and DiSNI cannot run here. */
    public static final int PROVIDER_UNAVAILABLE = 3;

    private Main() {
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true"); // --plot draws without a display
        final int code = run(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; prints to {@code out} and {@code err}, never exits. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            (args.isEmpty() ? err : out).print(Cli.mainUsage());
            return args.isEmpty() ? USAGE : OK;
        }
        if (!args.get(0).equals("loadgen")) {
            err.println("unknown command '" + args.get(0) + "': the command is loadgen (see ./frwr --help)");
            return USAGE;
        }
        final List<String> rest = args.subList(1, args.size());
        if (Cli.wantsHelp(rest)) {
            out.print(Cli.loadgenUsage());
            return OK;
        }
        if (Cli.wantsVersion(rest)) {
            out.println(BuildInfo.current());
            return OK;
        }
        final LoadgenOptions options;
        try {
            options = Cli.parse(rest);
            OutputPaths.check(options);
        } catch (UsageException e) {
            err.println("loadgen: " + e.getMessage());
            return USAGE;
        }
        try {
            return loadgen(options, out, err);
        } catch (UsageException e) {
            err.println("loadgen: " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            err.println("loadgen: the run could not complete: " + e);
            e.printStackTrace(err);
            return INVARIANT_FAILED;
        }
    }

    private static int loadgen(LoadgenOptions o, PrintStream out, PrintStream err) throws Exception {
        final boolean disni = o.provider() == LoadgenOptions.Provider.DISNI;
        if (disni) {
            final String missing = DisniLoadgen.unavailable();
            if (missing != null) {
                err.println(missing);
                return PROVIDER_UNAVAILABLE;
            }
            Cli.requireDisniEndpoint(o);
            if (o.role() == LoadgenOptions.Role.SERVER) {
                return DisniLoadgen.serve(o, out);
            }
        }
        final Timeline timeline;
        try {
            timeline = Timeline.open(o.timeline());
        } catch (IOException e) {
            throw new UsageException("--timeline " + o.timeline() + ": cannot write there: " + e);
        }
        final RunResult result;
        final List<Verdict> invariants;
        try (timeline) {
            result = disni ? DisniLoadgen.runClient(o, out, timeline) : SimLoadgen.run(o, out, timeline);
            invariants = Invariants.check(result);
            timeline.end(ReportJson.endLine(result, invariants));
        }
        ReportText.print(out, result, invariants);
        boolean written = true;
        if (o.timeline() != null) {
            out.println(timeline.failure() == null ? "timeline: " + o.timeline()
                    : "timeline: stopped early (" + timeline.failure() + "): " + o.timeline());
        }
        if (o.json() != null) {
            written &= write(out, err, "--json", o.json(), () -> Files.writeString(o.json(),
                    ReportJson.render(result, invariants, timeline, BuildInfo.current()), StandardCharsets.UTF_8));
        }
        if (o.plot() != null) {
            written &= write(out, err, "--plot", o.plot(), () -> TimelinePlot.write(o.plot(), plotTitle(o),
                    plotSubtitle(result, invariants, timeline), timeline.intervals(), timeline.events()));
        }
        return Invariants.allOk(invariants) && written ? OK : INVARIANT_FAILED;
    }

    private interface Output {
        void write() throws IOException;
    }

    /** Writes one output file; a failure is one line on stderr (the run's results are on stdout already). */
    private static boolean write(PrintStream out, PrintStream err, String option, Path path, Output output) {
        try {
            output.write();
            out.println(option.substring(2) + ": " + path);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("loadgen: " + option + " " + path + ": could not be written: " + e);
            return false;
        }
    }

    static String plotTitle(LoadgenOptions o) {
        return "frwr loadgen: " + o.concurrency() + " workers, payload " + o.payload() + ", pool " + o.poolSize()
                + " MRs (" + o.asConfig().get("acquire-mode") + ", " + o.asConfig().get("recovery-strategy")
                + "), fault rate " + o.faultRate() + "/s, seed " + o.seed();
    }

    static String plotSubtitle(RunResult r, List<Verdict> invariants, Timeline t) {
        final String started = t.startedAt() == null ? "?" : java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC).format(t.startedAt());
        return String.format(java.util.Locale.ROOT, "%s fabric, %.1f s from %s, commit %s; %d calls, %d errors,"
                        + " %.0f calls/s, %.1f MB/s average; %s",
                r.options().provider().name().toLowerCase(java.util.Locale.ROOT), r.seconds(), started,
                abbreviated(BuildInfo.current().gitCommit()), r.total().ops() + r.errors(), r.errors(),
                r.total().opsPerSec(r.seconds()), r.total().mbPerSec(r.seconds()),
                Invariants.allOk(invariants) ? "all invariants OK" : "INVARIANT FAILED");
    }

    private static String abbreviated(String commit) {
        return commit.length() > 12 && !commit.equals(BuildInfo.UNKNOWN) ? commit.substring(0, 12) : commit;
    }
}
