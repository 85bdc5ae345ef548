package io.frwr.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --timeline: JSON lines, one per interval and event, typed, in the order they happened. */
class TimelineTest {
    private static final long T0 = 5_000_000_000L;

    static Timeline.Interval interval(double t, double callsPerSec, double p99Us, long reconnects, long faults) {
        return new Timeline.Interval(t, 1.0, (long) callsPerSec, callsPerSec, callsPerSec * 0.1, 0, p99Us / 4, p99Us,
                p99Us * 3, 16, 50, 14, 0, reconnects, faults);
    }

    @Test
    void linesAreWrittenAsTheRunGoesAndParseAsTypedJson(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("run.jsonl");
        final Instant started = Instant.parse("2026-01-02T03:04:05.678Z");
        try (Timeline t = Timeline.open(file)) {
            t.start(T0, started, ReportJson.startLine(LoadgenOptions.defaults(), started, new BuildInfo("1.0",
                    "0123456789abcdef0123456789abcdef01234567", false)));
            t.fault(T0 + 734_000_000L, 3);
            t.reconnects(T0 + 800_000_000L, 0); // no change: no line
            t.reconnects(T0 + 900_000_000L, 2);
            t.interval(interval(1.0, 7305, 6800, 2, 1));
            t.reconnects(T0 + 1_500_000_000L, 2);
            assertEquals(4, Files.readAllLines(file).size(), "lines are flushed as they come");
            t.end(ReportJson.MAPPER.createObjectNode().put("type", "end").put("t", 1.0));
        }
        final List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(ReportJson.read(l));
        }
        assertEquals(List.of("start", "fault", "reconnect", "interval", "end"),
                lines.stream().map(n -> n.get("type").asText()).toList());
        final JsonNode start = lines.get(0);
        assertEquals(Timeline.SCHEMA_VERSION, start.get("schemaVersion").intValue());
        assertEquals("2026-01-02T03:04:05.678Z", start.get("startedAt").asText());
        assertEquals("0123456789abcdef0123456789abcdef01234567", start.get("gitCommit").asText());
        assertTrue(start.get("config").get("concurrency").isInt(), start.toString());
        final JsonNode fault = lines.get(1);
        assertEquals(0.734, fault.get("t").doubleValue());
        assertEquals(3, fault.get("qp").intValue());
        assertEquals(1, fault.get("faults").intValue());
        final JsonNode reconnect = lines.get(2);
        assertEquals(0.9, reconnect.get("t").doubleValue());
        assertEquals(2, reconnect.get("count").intValue());
        final JsonNode i = lines.get(3);
        for (String key : List.of("t", "seconds", "callsPerSec", "mbPerSec", "p50Us", "p99Us", "maxUs")) {
            assertTrue(i.get(key).isDouble(), key + " is a number: " + i);
        }
        for (String key : List.of("calls", "errors", "inFlight", "mrsFree", "mrsRegistered", "mrsRecovering",
                "reconnects", "faults")) {
            assertTrue(i.get(key).isIntegralNumber(), key + " is a whole number: " + i);
        }
        assertEquals(7305.0, i.get("callsPerSec").doubleValue());
        assertEquals(6800.0, i.get("p99Us").doubleValue());
    }

    @Test
    void theSeriesAreKeptInMemoryWithoutAFile() throws IOException {
        try (Timeline t = Timeline.inMemory()) {
            t.start(T0, Instant.EPOCH, ReportJson.MAPPER.createObjectNode());
            t.interval(interval(1.0, 10, 100, 0, 0));
            t.fault(T0 + 1_200_000_000L, 7);
            t.reconnects(T0 + 1_300_000_000L, 1);
            t.reconnects(T0 + 1_400_000_000L, 3);
            assertEquals(1, t.intervals().size());
            assertEquals(List.of(new Timeline.Event(1.2, "fault", 7, 1, 1), new Timeline.Event(1.3, "reconnect", -1,
                    1, 1), new Timeline.Event(1.4, "reconnect", -1, 2, 3)), t.events());
        }
    }
}
