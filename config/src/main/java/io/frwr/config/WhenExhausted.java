package io.frwr.config;

/** What a map does when the MR pool has no free MR ({@code mr-pool.when-exhausted}). */
public enum WhenExhausted {
    /** Fail at once with a distinct "no MR free" error: backpressure the caller can see. */
    FAIL,
    /** Park the request until an MR is released, bounded by {@code mr-pool.acquire-timeout}. */
    WAIT
}
