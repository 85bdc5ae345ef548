package io.frwr.loadgen;

import akka.actor.typed.ActorRef;
import io.frwr.actors.MrAudit;
import io.frwr.actors.PoolOccupancy;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.TransportCounter;
import io.frwr.actors.TransportCounters;
import io.frwr.rpc.client.ClientStats;
import io.frwr.rpc.client.RpcRdmaClient;
import io.frwr.rpc.nfs.FileHandle;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One run of the workload against a connected client: start the workers, print progress once a second,
 * stop them (each finishes its call in flight), let the MR pool settle, audit it, then shut the client and
 * the transport down in that order. Provider-neutral: the simulated fabric's extras come in as arguments.
 */
final class LoadSession {
    static final Duration ASK = Duration.ofSeconds(10);
    static final Duration QUIESCE_BOUND = Duration.ofSeconds(30);
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(60);

    private final Guardian guardian;
    private final LoadgenOptions options;
    private final ActorRef<RdmaTransport.Command> transport;
    private final ActorRef<RpcRdmaClient.Command> client;
    private final SendQueueWatch device;
    /** How often the transport's counters are read for reconnects (the timeline's reconnect times). */
    static final long SAMPLE_NANOS = 100_000_000L;
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final Timeline timeline;

    /** @param timeline gets the run's intervals and reconnects (and its start line when the workers start) */
    LoadSession(Guardian guardian, LoadgenOptions options, ActorRef<RdmaTransport.Command> transport,
                ActorRef<RpcRdmaClient.Command> client, SendQueueWatch device, PrintStream out, Timeline timeline) {
        this.guardian = guardian;
        this.options = options;
        this.transport = transport;
        this.client = client;
        this.device = device;
        this.out = out;
        this.timeline = timeline;
    }


    /** Wait until the client has seen its first connection come up. */
    void awaitConnected(Duration bound) {
        final long deadline = System.nanoTime() + bound.toNanos();
        while (clientStats().epoch() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the client saw no connection within " + DurationArg.format(bound));
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * @param faults       started with the workers and stopped before they are; null for none
     * @param staleRkeys   read after the transport's Shutdown; null where it cannot be observed
     */
    RunResult run(FileHandle file, FaultInjector faults, LongSupplier staleRkeys) {
        final LiveCounters live = new LiveCounters();
        final int region = options.payload().maxBytes();
        final List<ActorRef<Worker.Command>> workers = new ArrayList<>();
        final long start = System.nanoTime();
        final Instant startedAt = Instant.now();
        timeline.start(start, startedAt, ReportJson.startLine(options, startedAt, BuildInfo.current()));
        for (int i = 0; i < options.concurrency(); i++) {
            workers.add(guardian.spawn(Worker.create(i, client, device, file, (long) i * region, options.payload(),
                    options.seed(), live, device.book()), "worker-" + i));
        }
        if (faults != null) {
            faults.start();
        }
        final long end = start + options.duration().toNanos();
        final Progress progress = new Progress(out, live, start, timeline);
        long nextTick = start + INTERVAL_NANOS;
        long nextSample = start + SAMPLE_NANOS;
        while (true) {
            final long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (now >= nextSample) {
                final TransportCounters.Snapshot c = transportCounters();
                timeline.reconnects(now, c.get(TransportCounter.RECONNECTS));
                if (now >= nextTick) {
                    progress.interval(now, c, faults == null ? 0 : faults.injected(), true);
                    nextTick += INTERVAL_NANOS;
                }
                nextSample += SAMPLE_NANOS;
                continue;
            }
            LockSupport.parkNanos(Math.min(end, nextSample) - now);
        }
        // The last, partial interval, up to the end of the workload (not printed: the table follows).
        final long now = System.nanoTime();
        final TransportCounters.Snapshot last = transportCounters();
        timeline.reconnects(now, last.get(TransportCounter.RECONNECTS));
        if (now - progress.lastNanos >= SAMPLE_NANOS / 2) {
            progress.interval(now, last, faults == null ? 0 : faults.injected(), false);
        }
        final long faultsInjected = faults == null ? 0 : faults.stop();
        final List<WorkerTally> tallies = new ArrayList<>();
        final Duration stopBound = options.callTimeout().plus(SHUTDOWN_BOUND);
        for (ActorRef<Worker.Command> w : workers) {
            tallies.add(guardian.ask(w, Worker.Stop::new, stopBound, "tally from " + w.path().name()));
        }
        final double seconds = (System.nanoTime() - start) / 1e9;

        final boolean quiesced = awaitQuiet();
        final TransportCounters.Snapshot counters = transportCounters();
        final MrAudit audit = guardian.ask(transport, RdmaTransport.GetAudit::new, ASK, "MR audit");
        final ClientStats before = clientStats();
        ClientStats clientFinal = null;
        TransportCounters.Snapshot transportFinal = null;
        try {
            final RpcRdmaClient.ShutdownComplete c = guardian.ask(client, RpcRdmaClient.Shutdown::new, SHUTDOWN_BOUND,
                    "client ShutdownComplete");
            clientFinal = c.stats();
            final RdmaTransport.ShutdownComplete t = guardian.ask(transport, RdmaTransport.Shutdown::new,
                    SHUTDOWN_BOUND, "transport ShutdownComplete");
            transportFinal = t.counters();
        } catch (IllegalStateException e) {
            out.println("shutdown: " + e.getMessage());
        }
        final Long stale = staleRkeys == null ? null : staleRkeys.getAsLong();
        return merge(tallies, seconds, quiesced, counters, audit, before, clientFinal, transportFinal, stale,
                faultsInjected);
    }

    /** Every call has ended; the pool settles once recovery is done and nothing is registered. */
    private boolean awaitQuiet() {
        final long deadline = System.nanoTime() + QUIESCE_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            final PoolOccupancy o = transportCounters().occupancy();
            if (o.registered() == 0 && o.recovering() == 0 && o.conserved()) {
                return true;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return false;
    }

    private TransportCounters.Snapshot transportCounters() {
        return guardian.ask(transport, RdmaTransport.GetCounters::new, ASK, "transport counters");
    }

    private ClientStats clientStats() {
        return guardian.ask(client, RpcRdmaClient.GetStats::new, ASK, "client stats");
    }

    private RunResult merge(List<WorkerTally> tallies, double seconds, boolean quiesced,
                            TransportCounters.Snapshot counters, MrAudit audit, ClientStats before,
                            ClientStats clientFinal, TransportCounters.Snapshot transportFinal, Long stale,
                            long faultsInjected) {
        final Map<Integer, Histogram> bySize = new TreeMap<>();
        final Map<Integer, long[]> opsBySize = new TreeMap<>();
        final Histogram metadata = WorkerTally.newHistogram();
        final Histogram all = WorkerTally.newHistogram();
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, String> firstErrors = new TreeMap<>();
        final List<String> details = new ArrayList<>();
        long issued = 0;
        long succeeded = 0;
        long failed = 0;
        long mismatches = 0;
        long verified = 0;
        long unverified = 0;
        long bytes = 0;
        for (WorkerTally t : tallies) {
            t.bySize.forEach((size, h) -> bySize.computeIfAbsent(size, s -> WorkerTally.newHistogram()).add(h));
            t.opsBySize.forEach((size, n) -> opsBySize.computeIfAbsent(size, s -> new long[1])[0] += n[0]);
            metadata.add(t.metadata);
            t.errorsByKind.forEach((k, n) -> errors.merge(k, n, Long::sum));
            t.firstErrors.forEach(firstErrors::putIfAbsent);
            details.addAll(t.mismatchDetails);
            issued += t.issued;
            succeeded += t.succeeded;
            failed += t.failed;
            mismatches += t.mismatches;
            verified += t.verifiedReads;
            unverified += t.unverifiedReads;
            bytes += t.bytesMoved;
        }
        final List<PayloadRow> rows = new ArrayList<>();
        bySize.forEach((size, h) -> {
            all.add(h);
            rows.add(new PayloadRow(size, opsBySize.get(size)[0], (long) size * opsBySize.get(size)[0], h));
        });
        all.add(metadata);
        final PayloadRow meta = new PayloadRow(0, metadata.getTotalCount(), 0, metadata);
        final PayloadRow total = new PayloadRow(0, all.getTotalCount(), bytes, all);
        final CallBook book = device.book();
        if (book != null) {
            book.releases().recheck(); // anything handed back live-but-unreachable must still be out of reach
        }
        final RunResult.Watched ownership = book == null ? null : new RunResult.Watched(book.ownership().summary(),
                book.ownership().violationCount(), book.ownership().violations());
        final RunResult.Watched releases = book == null ? null : new RunResult.Watched(book.releases().summary(),
                book.releases().violationCount(), book.releases().violations());
        return new RunResult(options, seconds, rows, meta, total, issued, succeeded, failed, errors, firstErrors,
                mismatches,
                details, verified, unverified, quiesced, counters, audit, before, clientFinal, transportFinal, stale,
                faultsInjected, device.overflows(), device.otherPostFailures(), device.injectedPostFailures(),
                ownership, releases);
    }

    /** The once-a-second line (elapsed, ops/s, MB/s, in flight, MR occupancy, reconnects) and its interval. */
    static final class Progress {
        private final PrintStream out;
        private final LiveCounters live;
        private final long start;
        private final Timeline timeline;
        private Histogram latency;
        private long lastNanos;
        private long lastOps;
        private long lastBytes;
        private long lastErrors;

        Progress(PrintStream out, LiveCounters live, long start, Timeline timeline) {
            this.out = out;
            this.live = live;
            this.start = start;
            this.timeline = timeline;
            this.lastNanos = start;
            live.latency.reset();
        }

        /** Closes the interval since the last one at {@code now}; prints its line if {@code print}. */
        void interval(long now, TransportCounters.Snapshot c, long faults, boolean print) {
            final long ops = live.ops();
            final long bytes = live.bytes();
            final long errors = live.errors();
            final double dt = (now - lastNanos) / 1e9;
            final PoolOccupancy o = c.occupancy();
            latency = live.latency.getIntervalHistogram(latency);
            final double callsPerSec = (ops - lastOps) / dt;
            final double mbPerSec = (bytes - lastBytes) / PayloadRow.MB / dt;
            final boolean any = latency.getTotalCount() > 0;
            timeline.interval(new Timeline.Interval(timeline.secondsAt(now), dt, ops - lastOps, callsPerSec, mbPerSec,
                    errors - lastErrors, any ? latency.getValueAtPercentile(50) / 1e3 : 0,
                    any ? latency.getValueAtPercentile(99) / 1e3 : 0, any ? latency.getMaxValue() / 1e3 : 0,
                    live.inFlight(), o.free(), o.registered(), o.recovering(), c.get(TransportCounter.RECONNECTS),
                    faults));
            if (print) {
                out.printf("[%6.1fs] ops/s %8.0f  MB/s %8.1f  in-flight %3d  MRs free/registered/recovering %d/%d/%d"
                                + "  reconnects %d  faults %d  errors %d%n",
                        (now - start) / 1e9, callsPerSec, mbPerSec, live.inFlight(), o.free(), o.registered(),
                        o.recovering(), c.get(TransportCounter.RECONNECTS), faults, errors);
                out.flush();
            }
            lastNanos = now;
            lastOps = ops;
            lastBytes = bytes;
            lastErrors = errors;
        }
    }
}
