package io.frwr.loadgen;

import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.invariants.Verdict;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;

import java.io.PrintStream;
import java.util.List;

/** The end-of-run report: a perftest-style table, the counters, and the invariant checks. */
public final class ReportText {
    private static final String RULE = "-".repeat(118);
    private static final String ROW = " %-12s %-13s %-18s %-18s %-13s %-13s %-14s %-11s%n";

    private ReportText() {
    }

    /** Print the perftest-style table, the counters and the verdicts, as a run ends. */
    public static void print(PrintStream out, RunResult r, List<Verdict> invariants) {
        out.println();
        out.println(RULE);
        out.printf(" NFSv3 WRITE+READ over RPC-over-RDMA, %d workers, %.1f s, MB = 2^20 bytes%n",
                r.options().concurrency(), r.seconds());
        out.println(RULE);
        out.printf(ROW, "#bytes", "#iterations", "BW average[MB/sec]", "MsgRate[ops/sec]", "t_p50[usec]",
                "t_p99[usec]", "t_p99.9[usec]", "t_max[usec]");
        for (PayloadRow row : r.rows()) {
            printRow(out, Long.toString(row.bytes()), row, r.seconds());
        }
        if (r.metadata().ops() > 0) {
            printRow(out, "getattr/null", r.metadata(), r.seconds());
        }
        printRow(out, "total", r.total(), r.seconds());
        out.println(RULE);
        out.printf(" errors %d%s%n", r.errors(), r.errorsByKind().isEmpty() ? "" : " " + r.errorsByKind());
        r.firstErrors().forEach((kind, why) -> out.printf("   first %s: %s%n", kind, why));
        out.printf(" faults injected %d, most calls outstanding at once %d, most holding registered MRs at once %d%n",
                r.faultsInjected(), r.clientBefore().maxOutstanding(),
                r.transportCounters().get(TransportCounter.MAX_REGISTRATIONS_IN_FLIGHT));
        out.println();
        out.println(" transport counters");
        printTransport(out, r.transportFinal() != null ? r.transportFinal() : r.transportCounters());
        out.println("   after quiescing: " + r.audit().occupancy());
        out.println(" client counters");
        printClient(out, r.clientFinal() != null ? r.clientFinal() : r.clientBefore());
        out.println();
        out.println(" invariants");
        for (Verdict inv : invariants) {
            out.printf("  [%s] %s: %s%n", inv.ok() ? "OK" : "FAILED", inv.name(), inv.detail());
        }
        out.println(Invariants.allOk(invariants) ? " all invariants OK" : " INVARIANT FAILED");
        out.flush();
    }

    private static void printRow(PrintStream out, String label, PayloadRow row, double seconds) {
        out.printf(ROW, label, row.ops(), fmt(row.mbPerSec(seconds)), fmt(row.opsPerSec(seconds)),
                fmt(row.p50Us()), fmt(row.p99Us()), fmt(row.p999Us()), fmt(row.maxUs()));
    }

    private static String fmt(double v) {
        return String.format("%.2f", v);
    }

    private static void printTransport(PrintStream out, TransportCounters.Snapshot s) {
        final StringBuilder line = new StringBuilder();
        int n = 0;
        for (TransportCounter c : TransportCounter.values()) {
            n = cell(out, line, n, c.label(), s.get(c));
        }
        flush(out, line);
    }

    private static void printClient(PrintStream out, ClientStats s) {
        final StringBuilder line = new StringBuilder();
        int n = 0;
        for (ClientCounter c : ClientCounter.values()) {
            n = cell(out, line, n, c.label(), s.get(c));
        }
        n = cell(out, line, n, "max_outstanding", s.maxOutstanding());
        cell(out, line, n, "outstanding", s.outstanding());
        flush(out, line);
    }

    private static int cell(PrintStream out, StringBuilder line, int n, String label, long value) {
        line.append(String.format("   %-24s %10d", label, value));
        if (++n % 3 == 0) {
            flush(out, line);
        }
        return n;
    }

    private static void flush(PrintStream out, StringBuilder line) {
        if (line.length() > 0) {
            out.println(line);
            line.setLength(0);
        }
    }
}
