package io.frwr.loadgen;

import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the workers have done so far, for the once-a-second progress line and the timeline; updated from many
 * actors. {@code latency} holds the nanoseconds of successful calls since the last interval was taken.
 */
public final class LiveCounters {
    final LongAdder ops = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    final Recorder latency = new Recorder(3);

    /** {@return calls that succeeded so far} */
    public long ops() {
        return ops.sum();
    }

    /** {@return payload bytes moved so far} */
    public long bytes() {
        return bytes.sum();
    }

    /** {@return calls that failed so far} */
    public long errors() {
        return errors.sum();
    }

    /** {@return calls outstanding now} */
    public int inFlight() {
        return inFlight.get();
    }
}
