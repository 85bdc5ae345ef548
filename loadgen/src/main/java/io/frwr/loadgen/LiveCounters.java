package io.frwr.loadgen;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the workers have done so far, for the once-a-second progress line; updated from many actors. */
public final class LiveCounters {
    final LongAdder ops = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();

    public long ops() {
        return ops.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
