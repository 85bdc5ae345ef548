package io.frwr.config;

/** How MRs are taken from the pool ({@code mr-pool.acquire-mode}). */
public enum AcquireMode {
    /** One MR per chunk as it is registered (the seed): one MR usually covers hundreds of KB. */
    PER_CHUNK,
    /** The older design: {@code batch-size} MRs reserved up front per call, for comparison runs. */
    BATCH
}
