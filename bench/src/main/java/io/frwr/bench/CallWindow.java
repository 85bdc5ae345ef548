package io.frwr.bench;

import java.util.concurrent.CompletableFuture;

/**
 * An async driver's bookkeeping: {@code calls} calls in total, at most {@code inflight} at once, and a
 * future completed when the last one ends. Owned by one actor, so plain fields suffice.
 */
final class CallWindow {
    private final int calls;
    private final int inflight;
    private final CompletableFuture<Integer> done;
    private int started;
    private int finished;

    CallWindow(int calls, int inflight, CompletableFuture<Integer> done) {
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be at least 1, was " + calls);
        }
        if (inflight < 1 || inflight > calls) {
            throw new IllegalArgumentException("inflight must be between 1 and calls (" + calls + "), was "
                    + inflight);
        }
        this.calls = calls;
        this.inflight = inflight;
        this.done = done;
    }

    /** How many calls to start now: the whole window. */
    int opening() {
        started = inflight;
        return inflight;
    }

    /** One call ended; returns true if the caller should start another. */
    boolean finishOne() {
        finished++;
        if (finished == calls) {
            done.complete(finished);
            return false;
        }
        if (started < calls) {
            started++;
            return true;
        }
        return false;
    }

    void fail(String why) {
        done.completeExceptionally(new IllegalStateException(why + " (after " + finished + " of " + calls
                + " calls)"));
    }
}
