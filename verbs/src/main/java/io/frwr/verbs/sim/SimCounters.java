package io.frwr.verbs.sim;

import io.frwr.verbs.Opcode;
import io.frwr.verbs.WcStatus;

/** The fabric's counters; guarded by the fabric lock. */
final class SimCounters {
    final long[] executed = new long[Opcode.values().length];
    final long[] denied = new long[SimStats.DenyReason.values().length];
    final long[] completions = new long[WcStatus.values().length];
    final long[] injected = new long[SimStats.InjectedFault.values().length];
    long flushed;
    long staleRkeyAccessSucceeded;
    long mrsAllocated;
    long mrsDeregistered;
    long cqOverruns;
    long connectsEstablished;
    long connectsRejected;
    long connectsFailed;
    long bytesMoved;
    long sendQueueFull;

    void injected(SimStats.InjectedFault kind) {
        injected[kind.ordinal()]++;
    }
}
