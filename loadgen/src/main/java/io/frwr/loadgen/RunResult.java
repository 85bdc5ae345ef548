package io.frwr.loadgen;

import io.frwr.actors.MrAudit;
import io.frwr.actors.TransportCounters;
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
 */
public record RunResult(LoadgenOptions options, double seconds, List<PayloadRow> rows, PayloadRow metadata,
                        PayloadRow total, long issued, long succeeded, long failed, Map<String, Long> errorsByKind,
                        Map<String, String> firstErrors, long mismatches, List<String> mismatchDetails, long verifiedReads, long unverifiedReads,
                        boolean quiesced, TransportCounters.Snapshot transportCounters, MrAudit audit,
                        ClientStats clientBefore, ClientStats clientFinal, TransportCounters.Snapshot transportFinal,
                        Long staleRkeyAccesses, long faultsInjected, long sqOverflows, long otherPostFailures) {
    public long errors() {
        return failed;
    }
}
