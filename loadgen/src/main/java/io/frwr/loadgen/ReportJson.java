package io.frwr.loadgen;

import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.invariants.Verdict;

import java.util.List;

/** The run as JSON ({@code --json FILE}); keys documented in docs/loadgen.md. */
public final class ReportJson {
    private ReportJson() {
    }

    public static String render(RunResult r, List<Verdict> invariants) {
        final TransportCounters.Snapshot c = r.transportFinal() != null ? r.transportFinal() : r.transportCounters();
        final PoolOccupancy quiet = r.audit().occupancy();
        final JsonWriter w = new JsonWriter().beginObject();
        w.field("ops", r.total().ops() + r.errors());
        w.field("succeeded", r.succeeded());
        w.field("errors", r.errors());
        w.name("errorsByKind");
        ReportText.stringMap(w, r.errorsByKind());
        w.name("firstErrors");
        ReportText.stringMap(w, r.firstErrors());
        w.field("seconds", r.seconds());
        w.field("opsPerSec", r.total().opsPerSec(r.seconds()));
        w.field("mbPerSec", r.total().mbPerSec(r.seconds()));
        w.field("bytes", r.total().bytesMoved());
        w.name("latencyUs");
        latency(w, r.total());
        w.field("maxInFlight", r.clientBefore().maxOutstanding());
        // Calls whose chunks held MRs at the same time: what the pool allowed (batch mode holds batch-size each).
        w.field("maxRegisteredCalls", c.get(TransportCounter.MAX_REGISTRATIONS_IN_FLIGHT));
        w.field("reconnects", c.get(TransportCounter.RECONNECTS));
        w.field("faultsInjected", r.faultsInjected());
        w.name("mrs").beginObject()
                .field("allocated", c.get(TransportCounter.MRS_ALLOCATED))
                .field("recovered", c.get(TransportCounter.MRS_RECOVERED))
                .field("orphaned", c.get(TransportCounter.MRS_ORPHANED))
                .field("free", quiet.free())
                .field("registered", quiet.registered())
                .field("recovering", quiet.recovering())
                .field("poolSize", quiet.allocated())
                .endObject();
        w.name("payloads").beginArray();
        for (PayloadRow row : r.rows()) {
            w.beginObject().field("bytes", row.bytes()).field("ops", row.ops())
                    .field("opsPerSec", row.opsPerSec(r.seconds())).field("mbPerSec", row.mbPerSec(r.seconds()));
            w.name("latencyUs");
            latency(w, row);
            w.endObject();
        }
        w.endArray();
        w.name("metadataOps").beginObject().field("ops", r.metadata().ops()).name("latencyUs");
        latency(w, r.metadata());
        w.endObject();
        w.name("verification").beginObject().field("verifiedReads", r.verifiedReads())
                .field("unverifiedReads", r.unverifiedReads()).field("mismatches", r.mismatches()).endObject();
        w.name("invariants").beginObject().field("ok", Invariants.allOk(invariants));
        w.name("checks").beginArray();
        for (Verdict inv : invariants) {
            w.beginObject().field("id", inv.invariant().id()).field("name", inv.name()).field("ok", inv.ok())
                    .field("detail", inv.detail()).endObject();
        }
        w.endArray();
        w.name("violations").beginArray();
        for (Verdict inv : invariants) {
            inv.violations().forEach(v -> w.value(v.toString()));
        }
        w.endArray().endObject();
        w.name("transportCounters");
        ReportText.transportCounters(w, c);
        if (r.clientFinal() != null || r.clientBefore() != null) {
            w.name("clientCounters");
            ReportText.clientCounters(w, r.clientFinal() != null ? r.clientFinal() : r.clientBefore());
        }
        w.name("config");
        ReportText.stringMap(w, r.options().asConfig());
        return w.endObject().toJson();
    }

    private static void latency(JsonWriter w, PayloadRow row) {
        w.beginObject().field("p50", row.p50Us()).field("p99", row.p99Us()).field("p999", row.p999Us())
                .field("max", row.maxUs()).endObject();
    }
}
