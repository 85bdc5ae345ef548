package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.TransportCounters;
import io.frwr.invariants.Violation;
import io.frwr.rpc.client.ClientStats;

import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, for the report, the JSON and the invariant checks.
 *
 * @param seconds             from the first call to the last worker's last result
 * @param rows                successful WRITEs and READs per payload size
 * @param metadata            successful GETATTR and NULL calls
 * @param total               every successful call
 * @param quiesced            the pool settled (nothing registered or recovering) within the bound
 * @param transportCounters   after quiescing, before Shutdown
 * @param audit               after quiescing, before Shutdown
 * @param clientBefore        the client's stats before its Shutdown (maxOutstanding)
 * @param clientFinal         the client's stats in its ShutdownComplete, or null if it never came
 * @param transportFinal      the transport's counters in its ShutdownComplete, or null if it never came
 * @param staleRkeyAccesses   the fabric's staleRkeyAccessSucceeded, or null where it cannot be observed
 * @param injectedPostFailures post_send refusals the provider marked as injected (not the transport's doing)
 * @param ownership           single MR ownership as watched during the run, or null where it cannot be observed
 * @param releases            early release as watched during the run, or null where it cannot be observed
 */
public record RunResult(LoadgenOptions options, double seconds, List<PayloadRow> rows, PayloadRow metadata,
                        PayloadRow total, long issued, long succeeded, long failed, Map<String, Long> errorsByKind,
                        Map<String, String> firstErrors, long mismatches, List<String> mismatchDetails, long verifiedReads, long unverifiedReads,
                        boolean quiesced, TransportCounters.Snapshot transportCounters, MrAudit audit,
                        ClientStats clientBefore, ClientStats clientFinal, TransportCounters.Snapshot transportFinal,
                        Long staleRkeyAccesses, long faultsInjected, long sqOverflows, long otherPostFailures,
                        long injectedPostFailures, Watched ownership, Watched releases) {
    /** {@return calls that failed} */
    public long errors() {
        return failed;
    }

    /**
     * What a check that ran alongside the workload saw: its numbers and the violations it kept (a run with a
     * bug may see thousands; {@code violationCount} counts them all).
     */
    public record Watched(String numbers, long violationCount, List<Violation> violations) {
        /** Copies the violations, so a result never changes after the run. */
        public Watched {
            violations = List.copyOf(violations);
        }
    }
}
