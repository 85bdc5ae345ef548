package io.frwr.loadgen;

import io.frwr.invariants.Invariant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aShortRunWithFaultsPassesEveryInvariantAndWritesTheJson(@TempDir Path dir) throws IOException {
        final Path json = dir.resolve("run.json");
        final Outcome o = run("loadgen", "--duration", "3s", "--fault-rate", "2", "--concurrency", "8",
                "--json", json.toString());
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

        final String text = Files.readString(json);
        for (String key : List.of("ops", "errors", "opsPerSec", "mbPerSec", "latencyUs", "p50", "p99", "p999", "max",
                "reconnects", "faultsInjected", "mrs", "allocated", "recovered", "orphaned", "free", "registered",
                "recovering", "invariants", "ok", "violations", "config", "maxInFlight", "payloads")) {
            assertTrue(text.contains("\"" + key + "\": "), "JSON lacks " + key + ":\n" + text);
        }
        assertTrue(text.contains("\"ok\": true"), text);
        assertTrue(text.contains("\"violations\": []"), text);
        assertTrue(text.contains("\"fault-rate\": \"2.0\""), text);
        assertTrue(text.contains("\"registered\": 0,"), text);
        assertFalse(text.contains("\"ops\": 0,"), "the run made no calls: " + text);
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
        assertTrue(help.out().contains("--recovery-strategy S"), help.out());
        final Outcome bad = run("loadgen", "--pool-size", "0");
        assertEquals(2, bad.code());
        assertEquals("loadgen: --pool-size '0': must be in 1..65536\n", bad.err());
        assertEquals(2, run("bench").code());
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
