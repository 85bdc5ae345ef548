package io.frwr.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import io.frwr.invariants.Verdict;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --json: numbers are numbers, the config is typed, and the run says when, from which commit, and how. */
class ReportJsonTest {
    private static final BuildInfo BUILD = new BuildInfo("0.1.0", "0123456789abcdef0123456789abcdef01234567",
            true);

    private static JsonNode render() throws IOException {
        final RunResult r = InvariantsTest.healthy();
        final List<Verdict> invariants = Invariants.check(r);
        final Timeline t = Timeline.inMemory();
        t.start(0, Instant.parse("2026-01-02T03:04:05Z"), ReportJson.MAPPER.createObjectNode());
        t.interval(TimelineTest.interval(1.0, 9, 120, 0, 0));
        t.fault(500_000_000L, 4);
        return ReportJson.read(ReportJson.render(r, invariants, t, BUILD));
    }

    @Test
    void numbersAreTypedAndTheRunIsIdentified() throws IOException {
        final JsonNode j = render();
        assertEquals(Timeline.SCHEMA_VERSION, j.get("schemaVersion").intValue());
        assertEquals("2026-01-02T03:04:05Z", j.get("startedAt").asText());
        assertEquals(BUILD.gitCommit(), j.get("gitCommit").asText());
        assertTrue(j.get("gitDirty").booleanValue());
        for (String key : List.of("ops", "succeeded", "errors", "bytes", "maxInFlight", "reconnects",
                "faultsInjected")) {
            assertTrue(j.get(key).isIntegralNumber(), key + " is a whole number: " + j.get(key));
        }
        assertEquals(1, j.get("ops").longValue(), "calls that ended: no successful row in this result, 1 error");
        assertEquals(1, j.get("errors").longValue());
        for (String key : List.of("seconds", "opsPerSec", "mbPerSec")) {
            assertTrue(j.get(key).isNumber(), key + " is a number: " + j.get(key));
        }
        for (String key : List.of("p50", "p99", "p999", "max")) {
            assertTrue(j.get("latencyUs").get(key).isNumber(), key);
        }
        assertTrue(j.get("mrs").get("poolSize").isIntegralNumber());
        assertTrue(j.get("invariants").get("ok").isBoolean());
        assertTrue(j.get("invariants").get("checks").get(0).get("ok").isBoolean());
        assertTrue(j.get("transportCounters").get("reconnects").isIntegralNumber());
        assertTrue(j.get("clientCounters").get("calls").isIntegralNumber());
        assertEquals(1, j.get("timeline").get("intervals").size());
        assertEquals("fault", j.get("timeline").get("events").get(0).get("type").asText());
        assertEquals(0.5, j.get("timeline").get("events").get(0).get("t").doubleValue());
    }

    @Test
    void theConfigHoldsTypedValues() throws IOException {
        final JsonNode c = render().get("config");
        assertEquals("sim", c.get("provider").asText());
        assertEquals(20.0, c.get("durationSeconds").doubleValue());
        assertTrue(c.get("concurrency").isInt());
        assertEquals(16, c.get("concurrency").intValue());
        assertEquals(0.5, c.get("faultRate").doubleValue());
        assertTrue(c.get("faultRate").isDouble());
        assertTrue(c.get("seed").isIntegralNumber());
        assertTrue(c.get("remoteInvalidation").isBoolean());
        assertEquals("per-chunk", c.get("acquireMode").asText());
        assertEquals(4096, c.get("payload").get(0).get("bytes").intValue());
        assertEquals(60, c.get("payload").get(0).get("weight").intValue());
        assertEquals("4k:60,64k:30,1m:10", c.get("payloadMix").asText());
        assertEquals(10.0, c.get("callTimeoutSeconds").doubleValue());
        assertTrue(c.get("json").isNull(), "absent paths are null, not missing or \"null\"");
        assertTrue(c.get("args").isArray());
    }

    @Test
    void theBuildCommitIsKnownOnlyIfItLooksLikeOne() {
        final Properties p = new Properties();
        assertEquals(new BuildInfo("unknown", "unknown", null), BuildInfo.of(p));
        p.setProperty("version", "0.1.0-SNAPSHOT");
        p.setProperty("git.commit", "unknown");
        assertEquals("unknown", BuildInfo.of(p).gitCommit());
        assertNull(BuildInfo.of(p).gitDirty());
        p.setProperty("git.commit", "47013c0706add3e282beeba9865b6de638ebf9a0");
        p.setProperty("git.dirty", "false");
        assertEquals(new BuildInfo("0.1.0-SNAPSHOT", "47013c0706add3e282beeba9865b6de638ebf9a0", false),
                BuildInfo.of(p));
        assertTrue(BuildInfo.current().version().equals("unknown") || !BuildInfo.current().version().isBlank());
    }
}
