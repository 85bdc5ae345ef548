package io.frwr.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.invariants.Verdict;
import io.frwr.rpc.client.ClientCounter;
import io.frwr.rpc.client.ClientStats;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The run as JSON ({@code --json FILE}) and the lines of {@code --timeline FILE}, with Jackson: numbers are
 * JSON numbers (rates and latencies rounded to 3 decimals), absent values null. Keys in docs/loadgen.md;
 * {@link Timeline#SCHEMA_VERSION} changes when one is renamed or removed or changes type.
 */
public final class ReportJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private ReportJson() {
    }

    /** The {@code --json} document. */
    public static String render(RunResult r, List<Verdict> invariants, Timeline timeline, BuildInfo build) {
        final TransportCounters.Snapshot c = r.transportFinal() != null ? r.transportFinal() : r.transportCounters();
        final PoolOccupancy quiet = r.audit().occupancy();
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", Timeline.SCHEMA_VERSION);
        root.put("tool", "frwr-loadgen");
        root.put("version", build.version());
        root.put("gitCommit", build.gitCommit());
        putNullable(root, "gitDirty", build.gitDirty());
        root.put("startedAt", instant(timeline.startedAt()));
        root.put("ops", r.total().ops() + r.errors());
        root.put("succeeded", r.succeeded());
        root.put("errors", r.errors());
        final ObjectNode byKind = root.putObject("errorsByKind");
        r.errorsByKind().forEach(byKind::put);
        final ObjectNode first = root.putObject("firstErrors");
        r.firstErrors().forEach(first::put);
        root.put("seconds", round(r.seconds()));
        root.put("opsPerSec", round(r.total().opsPerSec(r.seconds())));
        root.put("mbPerSec", round(r.total().mbPerSec(r.seconds())));
        root.put("bytes", r.total().bytesMoved());
        root.set("latencyUs", latency(r.total()));
        root.put("maxInFlight", r.clientBefore().maxOutstanding());
        // Calls whose chunks held MRs at the same time: what the pool allowed (batch mode holds batch-size each).
        root.put("maxRegisteredCalls", c.get(TransportCounter.MAX_REGISTRATIONS_IN_FLIGHT));
        root.put("reconnects", c.get(TransportCounter.RECONNECTS));
        root.put("faultsInjected", r.faultsInjected());
        final ObjectNode mrs = root.putObject("mrs");
        mrs.put("allocated", c.get(TransportCounter.MRS_ALLOCATED));
        mrs.put("recovered", c.get(TransportCounter.MRS_RECOVERED));
        mrs.put("orphaned", c.get(TransportCounter.MRS_ORPHANED));
        mrs.put("free", quiet.free());
        mrs.put("registered", quiet.registered());
        mrs.put("recovering", quiet.recovering());
        mrs.put("poolSize", quiet.allocated());
        final ArrayNode payloads = root.putArray("payloads");
        for (PayloadRow row : r.rows()) {
            final ObjectNode p = payloads.addObject();
            p.put("bytes", row.bytes());
            p.put("ops", row.ops());
            p.put("opsPerSec", round(row.opsPerSec(r.seconds())));
            p.put("mbPerSec", round(row.mbPerSec(r.seconds())));
            p.set("latencyUs", latency(row));
        }
        final ObjectNode meta = root.putObject("metadataOps");
        meta.put("ops", r.metadata().ops());
        meta.set("latencyUs", latency(r.metadata()));
        final ObjectNode v = root.putObject("verification");
        v.put("verifiedReads", r.verifiedReads());
        v.put("unverifiedReads", r.unverifiedReads());
        v.put("mismatches", r.mismatches());
        final ObjectNode inv = root.putObject("invariants");
        inv.put("ok", Invariants.allOk(invariants));
        final ArrayNode checks = inv.putArray("checks");
        for (Verdict verdict : invariants) {
            checks.addObject().put("id", verdict.invariant().id()).put("name", verdict.name())
                    .put("ok", verdict.ok()).put("detail", verdict.detail());
        }
        final ArrayNode violations = inv.putArray("violations");
        for (Verdict verdict : invariants) {
            verdict.violations().forEach(x -> violations.add(x.toString()));
        }
        root.set("transportCounters", transportCounters(c));
        if (r.clientFinal() != null || r.clientBefore() != null) {
            root.set("clientCounters", clientCounters(r.clientFinal() != null ? r.clientFinal() : r.clientBefore()));
        }
        root.set("config", config(r.options()));
        final ObjectNode series = root.putObject("timeline");
        final ArrayNode intervals = series.putArray("intervals");
        timeline.intervals().forEach(i -> intervals.add(interval(i)));
        final ArrayNode events = series.putArray("events");
        timeline.events().forEach(e -> events.add(event(e)));
        return pretty(root);
    }

    /** The effective options, typed: numbers, booleans, durations in seconds, paths and absent values null. */
    static ObjectNode config(LoadgenOptions o) {
        final ObjectNode m = MAPPER.createObjectNode();
        m.put("provider", lower(o.provider()));
        m.put("durationSeconds", seconds(o.duration()));
        m.put("concurrency", o.concurrency());
        m.put("payloadMix", o.payload().toString());
        final ArrayNode payload = m.putArray("payload");
        o.payload().entries().forEach(e -> payload.addObject().put("bytes", e.bytes()).put("weight", e.weight()));
        m.put("poolSize", o.poolSize());
        m.put("acquireMode", o.asConfig().get("acquire-mode"));
        m.put("batchSize", o.batchSize());
        m.put("recoveryParallelism", o.recoveryParallelism());
        m.put("recoveryStrategy", o.asConfig().get("recovery-strategy"));
        m.put("serverLatencySeconds", seconds(o.serverLatency()));
        m.put("faultRate", o.faultRate());
        m.put("seed", o.seed());
        m.put("fabricCosts", lower(o.fabricCosts()));
        m.put("callTimeoutSeconds", seconds(o.callTimeout()));
        m.put("remoteInvalidation", o.remoteInvalidation());
        m.put("verbose", o.verbose());
        m.put("json", path(o.json()));
        m.put("pcap", path(o.pcap()));
        m.put("timeline", path(o.timeline()));
        m.put("plot", path(o.plot()));
        m.put("role", o.role() == null ? null : lower(o.role()));
        m.put("address", o.address());
        m.put("device", o.device());
        final ArrayNode args = m.putArray("args");
        o.args().forEach(args::add);
        return m;
    }

    /** The first line of {@code --timeline}. */
    static ObjectNode startLine(LoadgenOptions o, Instant startedAt, BuildInfo build) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "start");
        n.put("t", 0.0);
        n.put("schemaVersion", Timeline.SCHEMA_VERSION);
        n.put("startedAt", instant(startedAt));
        n.put("gitCommit", build.gitCommit());
        n.set("config", config(o));
        return n;
    }

    /** The last line of {@code --timeline}: the run's totals and whether every invariant held. */
    static ObjectNode endLine(RunResult r, List<Verdict> invariants) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "end");
        n.put("t", round(r.seconds()));
        n.put("ops", r.total().ops() + r.errors());
        n.put("errors", r.errors());
        n.put("opsPerSec", round(r.total().opsPerSec(r.seconds())));
        n.put("mbPerSec", round(r.total().mbPerSec(r.seconds())));
        n.put("faultsInjected", r.faultsInjected());
        n.put("reconnects", r.transportCounters().get(TransportCounter.RECONNECTS));
        n.put("invariantsOk", Invariants.allOk(invariants));
        return n;
    }

    static ObjectNode intervalLine(Timeline.Interval i) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("type", "interval");
        n.setAll(interval(i));
        return n;
    }

    static ObjectNode eventLine(Timeline.Event e) {
        return event(e);
    }

    private static ObjectNode interval(Timeline.Interval i) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("t", i.t());
        n.put("seconds", round(i.seconds()));
        n.put("calls", i.calls());
        n.put("callsPerSec", round(i.callsPerSec()));
        n.put("mbPerSec", round(i.mbPerSec()));
        n.put("errors", i.errors());
        n.put("p50Us", round(i.p50Us()));
        n.put("p99Us", round(i.p99Us()));
        n.put("maxUs", round(i.maxUs()));
        n.put("inFlight", i.inFlight());
        n.put("mrsFree", i.mrsFree());
        n.put("mrsRegistered", i.mrsRegistered());
        n.put("mrsRecovering", i.mrsRecovering());
        n.put("reconnects", i.reconnects());
        n.put("faults", i.faults());
        return n;
    }

    private static ObjectNode event(Timeline.Event e) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("type", e.type());
        n.put("t", e.t());
        if (e.type().equals(Timeline.Event.FAULT)) {
            n.put("qp", e.qp());
            n.put("faults", e.total());
        } else {
            n.put("count", e.count());
            n.put("reconnects", e.total());
        }
        return n;
    }

    private static ObjectNode latency(PayloadRow row) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("p50", round(row.p50Us()));
        n.put("p99", round(row.p99Us()));
        n.put("p999", round(row.p999Us()));
        n.put("max", round(row.maxUs()));
        return n;
    }

    /** The counters as label to value, in declaration order. */
    private static ObjectNode transportCounters(TransportCounters.Snapshot s) {
        final ObjectNode n = MAPPER.createObjectNode();
        for (TransportCounter c : TransportCounter.values()) {
            n.put(c.label(), s.get(c));
        }
        return n;
    }

    private static ObjectNode clientCounters(ClientStats s) {
        final ObjectNode n = MAPPER.createObjectNode();
        for (ClientCounter c : ClientCounter.values()) {
            n.put(c.label(), s.get(c));
        }
        n.put("max_outstanding", s.maxOutstanding());
        return n;
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000.0) / 1000.0 : 0.0;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String path(Path p) {
        return p == null ? null : p.toString();
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void putNullable(ObjectNode n, String key, Boolean b) {
        if (b == null) {
            n.putNull(key);
        } else {
            n.put(key, b);
        }
    }

    static String pretty(ObjectNode n) {
        try {
            return MAPPER.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    /** One line, for JSON lines. */
    static String line(ObjectNode n) {
        try {
            return COMPACT.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    /** For tests and tools: the JSON read back as a tree. */
    static com.fasterxml.jackson.databind.JsonNode read(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }
}
