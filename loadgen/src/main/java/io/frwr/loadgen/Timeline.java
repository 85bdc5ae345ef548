package io.frwr.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The run over time: one {@link Interval} per second of the workload and one {@link Event} per injected fault
 * and per reconnect the transport made. Kept for the JSON and the plot; with {@code --timeline FILE} also
 * written as JSON lines while the run goes (each line flushed, so a run that dies still leaves its picture):
 * a {@code start} line, then {@code interval}, {@code fault} and {@code reconnect} lines in the order they
 * happened, then an {@code end} line. Thread-safe: the fault injector's thread adds faults.
 */
final class Timeline implements Closeable {
    /** Lines of the {@code --timeline} file and the JSON's {@code schemaVersion}. */
    static final int SCHEMA_VERSION = 1;

    /**
     * One interval of the run, mostly one second (the last one ends with the workload).
     *
     * @param t           end of the interval, seconds since the workers started
     * @param seconds     its length
     * @param calls       calls that ended in it (succeeded or failed)
     * @param errors      calls that failed in it
     * @param p50Us       latency of the calls that succeeded in it, microseconds (0 if none)
     * @param reconnects  the transport's reconnects so far
     * @param faults      QP faults injected so far
     */
    record Interval(double t, double seconds, long calls, double callsPerSec, double mbPerSec, long errors,
                    double p50Us, double p99Us, double maxUs, int inFlight, int mrsFree, int mrsRegistered,
                    int mrsRecovering, long reconnects, long faults) {
    }

    /**
     * Something that happened at a moment: {@code fault} (a QP broken by the injector; {@code qp} its number,
     * the time exact) or {@code reconnect} ({@code count} new connections seen by the transport's counters,
     * sampled every 100 ms: the time is within 100 ms after the reconnect; {@code qp} -1).
     */
    record Event(double t, String type, int qp, long count, long total) {
        static final String FAULT = "fault";
        static final String RECONNECT = "reconnect";
    }

    private final Path file;
    private final BufferedWriter out;
    private final List<Interval> intervals = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private long startNanos;
    private Instant startedAt;
    private long faults;
    private long reconnectsSeen;
    private IOException failure;

    private Timeline(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Series in memory only. */
    static Timeline inMemory() {
        return new Timeline(null, null);
    }

    /** Series in memory, and as JSON lines to {@code file} (created or truncated now). */
    static Timeline open(Path file) throws IOException {
        return file == null ? inMemory() : new Timeline(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** The workers start now: times are measured from here; the file gets its {@code start} line. */
    synchronized void start(long nanos, Instant wallClock, ObjectNode startLine) {
        startNanos = nanos;
        startedAt = wallClock;
        write(startLine);
    }

    synchronized Instant startedAt() {
        return startedAt;
    }

    double secondsAt(long nanos) {
        return Math.round((nanos - startNanos) / 1e6) / 1e3;
    }

    synchronized void interval(Interval i) {
        intervals.add(i);
        write(ReportJson.intervalLine(i));
    }

    /** The injector broke QP {@code qp} at {@code nanos}. */
    synchronized void fault(long nanos, int qp) {
        faults++;
        event(new Event(secondsAt(nanos), Event.FAULT, qp, 1, faults));
    }

    /** The transport's reconnects counter read {@code total} at {@code nanos}. */
    synchronized void reconnects(long nanos, long total) {
        if (total > reconnectsSeen) {
            event(new Event(secondsAt(nanos), Event.RECONNECT, -1, total - reconnectsSeen, total));
            reconnectsSeen = total;
        }
    }

    private void event(Event e) {
        events.add(e);
        write(ReportJson.eventLine(e));
    }

    /** The {@code end} line (the run's summary), then close. */
    synchronized void end(ObjectNode endLine) {
        write(endLine);
    }

    synchronized List<Interval> intervals() {
        return List.copyOf(intervals);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Why the file stopped being written (the run went on), or null. */
    synchronized IOException failure() {
        return failure;
    }

    Path file() {
        return file;
    }

    private void write(ObjectNode line) {
        if (out == null || failure != null) {
            return;
        }
        try {
            out.write(ReportJson.line(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
