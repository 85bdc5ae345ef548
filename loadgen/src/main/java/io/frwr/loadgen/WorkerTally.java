package io.frwr.loadgen;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One worker's results. Owned by its worker until the worker stops and hands it over, so it needs no
 * locks; the run merges every worker's tally afterwards.
 */
public final class WorkerTally {
    /** Mismatch details kept per worker; the count is exact, the list is a sample. */
    static final int MAX_MISMATCH_DETAILS = 5;

    /** Latency per payload size (WRITE and READ of that size), in nanoseconds. */
    final Map<Integer, Histogram> bySize = new TreeMap<>();
    final Map<Integer, long[]> opsBySize = new TreeMap<>();
    /** GETATTR and NULL latency, in nanoseconds. */
    final Histogram metadata = newHistogram();
    final long[] okByOp = new long[OpKind.values().length];
    final Map<String, Long> errorsByKind = new TreeMap<>();
    /** The first message seen per error kind: the counts say how often, this says why. */
    final Map<String, String> firstErrors = new TreeMap<>();
    final List<String> mismatchDetails = new ArrayList<>();
    long issued;
    long succeeded;
    long failed;
    long bytesMoved;
    long verifiedReads;
    long unverifiedReads;
    long mismatches;

    static Histogram newHistogram() {
        return new Histogram(3);
    }

    void recordSized(int bytes, long nanos) {
        bySize.computeIfAbsent(bytes, b -> newHistogram()).recordValue(Math.max(1, nanos));
        opsBySize.computeIfAbsent(bytes, b -> new long[1])[0]++;
        bytesMoved += bytes;
    }

    void recordError(String kind, String message) {
        errorsByKind.merge(kind, 1L, Long::sum);
        firstErrors.putIfAbsent(kind, message);
    }

    void recordMismatch(String detail) {
        mismatches++;
        if (mismatchDetails.size() < MAX_MISMATCH_DETAILS) {
            mismatchDetails.add(detail);
        }
    }
}
