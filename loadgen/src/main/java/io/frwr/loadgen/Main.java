package io.frwr.loadgen;

import io.frwr.invariants.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/** {@code ./frwr <command>}: the project's main job. Exit codes: 0 ok, 1 invariant failed, 2 usage, 3 no DiSNI. */
public final class Main {
    public static final int OK = 0;
    public static final int INVARIANT_FAILED = 1;
    public static final int USAGE = 2;
    public static final int PROVIDER_UNAVAILABLE = 3;

    private Main() {
    }

    public static void main(String[] args) {
        final int code = run(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; prints to {@code out} and {@code err}, never exits. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            (args.isEmpty() ? err : out).print(Usage.MAIN);
            return args.isEmpty() ? USAGE : OK;
        }
        if (!args.get(0).equals("loadgen")) {
            err.println("unknown command '" + args.get(0) + "': the command is loadgen (see ./frwr --help)");
            return USAGE;
        }
        final List<String> rest = args.subList(1, args.size());
        if (OptionParser.wantsHelp(rest)) {
            out.print(Usage.LOADGEN);
            return OK;
        }
        final LoadgenOptions options;
        try {
            options = OptionParser.parse(rest);
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
        final RunResult result;
        if (o.provider() == LoadgenOptions.Provider.DISNI) {
            final String missing = DisniLoadgen.unavailable();
            if (missing != null) {
                err.println(missing);
                return PROVIDER_UNAVAILABLE;
            }
            OptionParser.requireDisniEndpoint(o);
            if (o.role() == LoadgenOptions.Role.SERVER) {
                return DisniLoadgen.serve(o, out);
            }
            result = DisniLoadgen.runClient(o, out);
        } else {
            result = SimLoadgen.run(o, out);
        }
        final List<Verdict> invariants = Invariants.check(result);
        ReportText.print(out, result, invariants);
        if (o.json() != null) {
            writeJson(o, result, invariants);
            out.println("json: " + o.json());
        }
        return Invariants.allOk(invariants) ? OK : INVARIANT_FAILED;
    }

    private static void writeJson(LoadgenOptions o, RunResult result, List<Verdict> invariants) throws IOException {
        Files.writeString(o.json(), ReportJson.render(result, invariants), StandardCharsets.UTF_8);
    }
}
