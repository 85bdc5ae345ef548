package io.frwr.loadgen;

import io.frwr.invariants.Invariant;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole runs through {@link Main#run}, as ./frwr makes them, on the simulated fabric with faults. */
class LoadgenEndToEndTest {
    private record Outcome(int code, String out, String err) { }

    private static Outcome run(String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShortRunWithFaultsPassesEveryInvariantAndWritesJsonTimelineAndPlot(@TempDir Path dir) throws IOException {
        final Path json = dir.resolve("run.json");
        final Path timeline = dir.resolve("run.jsonl");
        final Path plot = dir.resolve("run.png");
        final Outcome o = run("loadgen", "--duration", "3s", "--fault-rate", "2", "--concurrency", "8",
                "--json", json.toString(), "--timeline", timeline.toString(), "--plot", plot.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains(" all invariants OK"), o.out());
        assertEquals(Arrays.stream(Invariant.values()).map(i -> "  [OK] " + i.label()).sorted().toList(), o.out().lines()
                .filter(l -> l.startsWith("  [OK] ")).map(l -> l.substring(0, l.indexOf(':'))).sorted().toList(),
                "one [OK] line per invariant, under its shared name: " + o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.matches("  \\[OK] no early release: [1-9][0-9]* hand-backs checked.*")),
                "the early-release watch saw the calls: " + o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.matches("  \\[OK] single MR ownership: [1-9][0-9]* rkeys carried.*")),
                "the ownership watch saw the calls: " + o.out());
        assertTrue(o.out().contains("BW average[MB/sec]"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("[") && l.contains("ops/s")), "progress line: " + o.out());
        assertTrue(o.out().contains("json: " + json) && o.out().contains("timeline: " + timeline)
                && o.out().contains("plot: " + plot), o.out());

        final JsonNode j = ReportJson.read(Files.readString(json));
        for (String key : List.of("schemaVersion", "startedAt", "gitCommit", "ops", "errors", "opsPerSec",
                "mbPerSec", "latencyUs", "reconnects", "faultsInjected", "mrs", "invariants", "config", "maxInFlight",
                "payloads", "timeline")) {
            assertTrue(j.has(key), "JSON lacks " + key + ":\n" + j);
        }
        assertTrue(j.get("ops").isIntegralNumber() && j.get("ops").longValue() > 0, "the run made calls: " + j);
        assertTrue(j.get("invariants").get("ok").booleanValue());
        assertEquals(0, j.get("invariants").get("violations").size());
        assertEquals(2.0, j.get("config").get("faultRate").doubleValue());
        assertEquals(0, j.get("mrs").get("registered").intValue());
        assertTrue(Instant.parse(j.get("startedAt").asText()).isBefore(Instant.now()));

        final List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(timeline)) {
            lines.add(ReportJson.read(l));
        }
        assertEquals("start", lines.get(0).get("type").asText());
        assertEquals("end", lines.get(lines.size() - 1).get("type").asText());
        assertTrue(lines.get(lines.size() - 1).get("invariantsOk").booleanValue());
        final List<JsonNode> intervals = lines.stream().filter(n -> n.get("type").asText().equals("interval")).toList();
        assertTrue(intervals.size() >= 3, "an interval per second of a 3 s run: " + lines);
        assertTrue(intervals.stream().anyMatch(n -> n.get("callsPerSec").doubleValue() > 0), intervals.toString());
        assertEquals(j.get("faultsInjected").longValue(),
                lines.stream().filter(n -> n.get("type").asText().equals("fault")).count(), "one line per fault");
        assertEquals(TimelinePlot.WIDTH, ImageIO.read(plot.toFile()).getWidth());
    }

    @Test
    void pcapCaptureWritesRoceV2Packets(@TempDir Path dir) throws IOException {
        final Path pcap = dir.resolve("run.pcap");
        final Outcome o = run("loadgen", "--duration", "300ms", "--fault-rate", "0", "--concurrency", "2",
                "--payload", "4k,8k", "--pcap", pcap.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        final byte[] head = Files.readAllBytes(pcap);
        assertTrue(head.length > 24 + 16, "capture holds no packet: " + head.length + " bytes");
        final int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
        assertTrue(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || Integer.reverseBytes(magic) == 0xa1b2c3d4
                || Integer.reverseBytes(magic) == 0xa1b23c4d, "not a pcap file: magic " + Integer.toHexString(magic));
    }

    @Test
    void helpAndBadOptionsExitWithoutARun() {
        final Outcome help = run("loadgen", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--recovery-strategy=S"), help.out());
        assertTrue(help.out().contains("--plot=FILE"), help.out());
        final Outcome bad = run("loadgen", "--pool-size", "0");
        assertEquals(2, bad.code());
        assertEquals("loadgen: --pool-size '0': must be in 1..65536\n", bad.err());
        assertEquals(2, run("bench").code());
        final Outcome twice = run("loadgen", "--seed", "1", "--seed", "2");
        assertEquals("loadgen: --seed is given twice\n", twice.err());
        assertTrue(run("loadgen", "--version").out().startsWith("frwr-loadgen "));
        assertEquals(0, run("--help").code());
    }

    @Test
    void disniWhereItCannotRunExitsWithCode3AndTheReason() {
        final String missing = DisniLoadgen.unavailable();
        if (missing == null) {
            return; // DiSNI can run here: nothing to refuse
        }
        final Outcome o = run("loadgen", "--provider", "disni", "--role", "client", "--address", "10.0.0.1:4791");
        assertEquals(3, o.code(), o.err());
        assertEquals(missing + "\n", o.err());
    }
}
