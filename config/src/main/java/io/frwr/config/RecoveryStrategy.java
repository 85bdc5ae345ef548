package io.frwr.config;

/** When MRs broken by a QP error are recovered ({@code recovery.strategy}). */
public enum RecoveryStrategy {
    /** Lazily, one MR at a time, when map meets a non-INVALID MR (the seed). */
    PER_MR,
    /** Destroy every MR at disconnect and allocate a fresh pool at connect (later kernels). */
    REBUILD_ON_RECONNECT
}
