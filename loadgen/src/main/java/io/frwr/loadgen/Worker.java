package io.frwr.loadgen;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.NfsClient;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.rpc.client.RpcRdmaClient;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.Nfs3Status;
import io.frwr.rpc.nfs.ReadRes;
import io.frwr.rpc.nfs.StableHow;
import io.frwr.rpc.nfs.WriteRes;
import io.frwr.rpc.xdr.XdrException;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One closed-loop worker: it keeps one call in flight and owns one file region.
 *
 * <h2>Cycle</h2>
 * WRITE seeded random bytes of a size drawn from the mix (a read chunk when above the inline threshold),
 * READ them back into a write chunk and compare checksums; every 4th cycle a GETATTR, every 8th a NULL.
 *
 * <h2>What the region holds</h2>
 * After a successful WRITE the region's size and CRC32 are known and every READ must match them. A WRITE
 * that failed may or may not have reached the file, so the region is unknown until a WRITE succeeds: READs
 * of an unknown region are counted but never flagged.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {
    /** What a worker accepts: the run's Stop, and the results of its own calls. */
    public interface Command { }

    /** Finish the call in flight (every call ends), then hand the tally over and stop. */
    public record Stop(ActorRef<WorkerTally> replyTo) implements Command { }

    private record Done(CallResult result) implements Command { }

    private final int id;
    private final ActorRef<RpcRdmaClient.Command> client;
    private final RdmaDevice device;
    private final FileHandle file;
    private final long regionOffset;
    private final PayloadMix mix;
    private final SplittableRandom random;
    private final LiveCounters live;
    private final DmaBuffer data;
    private final DmaBuffer sink;
    private final ActorRef<CallResult> resultAdapter;
    private final WorkerTally tally = new WorkerTally();
    private final CRC32 crc = new CRC32();
    private final CallBook book;

    private long cycle;
    private int step;
    private OpKind inFlight;
    private int inFlightSize;
    private long startNanos;
    private long writtenCrc;
    private int knownSize = -1;
    private long knownCrc;
    private ActorRef<WorkerTally> stopReplyTo;

    /** {@return a worker that calls WRITE then READ on its own region of the file until stopped} */
    public static Behavior<Command> create(int id, ActorRef<RpcRdmaClient.Command> client, RdmaDevice device,
                                           FileHandle file, long regionOffset, PayloadMix mix, long seed,
                                           LiveCounters live) {
        return create(id, client, device, file, regionOffset, mix, seed, live, null);
    }

    /** {@code book}: where results are reported as they arrive, or null where none is kept. */
    static Behavior<Command> create(int id, ActorRef<RpcRdmaClient.Command> client, RdmaDevice device,
                                    FileHandle file, long regionOffset, PayloadMix mix, long seed, LiveCounters live,
                                    CallBook book) {
        return Behaviors.setup(ctx -> new Worker(ctx, id, client, device, file, regionOffset, mix, seed, live, book));
    }

    private Worker(ActorContext<Command> ctx, int id, ActorRef<RpcRdmaClient.Command> client, RdmaDevice device,
                   FileHandle file, long regionOffset, PayloadMix mix, long seed, LiveCounters live, CallBook book)
            throws VerbsException {
        super(ctx);
        this.book = book;
        this.id = id;
        this.client = client;
        this.device = device;
        this.file = file;
        this.regionOffset = regionOffset;
        this.mix = mix;
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
        this.live = live;
        this.data = device.mapBuffer(ByteBuffer.allocateDirect(mix.maxBytes()));
        this.sink = device.mapBuffer(ByteBuffer.allocateDirect(mix.maxBytes()));
        this.resultAdapter = ctx.messageAdapter(CallResult.class, Done::new);
        issueNext();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Done.class, this::onDone)
                .onMessage(Stop.class, this::onStop)
                .onSignal(PostStop.class, s -> {
                    device.unmapBuffer(data);
                    device.unmapBuffer(sink);
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStop(Stop m) {
        stopReplyTo = m.replyTo();
        return inFlight == null ? handOver() : this;
    }

    private Behavior<Command> handOver() {
        stopReplyTo.tell(tally);
        return Behaviors.stopped();
    }

    private Behavior<Command> onDone(Done m) {
        final long nanos = System.nanoTime() - startNanos;
        final OpKind op = inFlight;
        if (book != null) {
            book.ended(m.result().xid(), "worker " + id + " cycle " + cycle + " " + op);
        }
        inFlight = null;
        live.inFlight.decrementAndGet();
        live.ops.increment();
        final String error = m.result() instanceof CallResult.CallSucceeded ok ? judge(op, ok)
                : ((CallResult.CallFailed) m.result()).kind().name();
        final String why = m.result() instanceof CallResult.CallFailed f ? f.error().message() : error;
        if (error == null) {
            tally.succeeded++;
            live.latency.recordValue(Math.max(1, nanos));
            tally.okByOp[op.ordinal()]++;
            if (op == OpKind.WRITE || op == OpKind.READ) {
                tally.recordSized(inFlightSize, nanos);
                live.bytes.add(inFlightSize);
            } else {
                tally.metadata.recordValue(Math.max(1, nanos));
            }
        } else {
            tally.failed++;
            tally.recordError(error, op + ": " + why);
            live.errors.increment();
            if (op == OpKind.WRITE) {
                knownSize = -1; // it may or may not have reached the file
            }
        }
        if (stopReplyTo != null) {
            return handOver();
        }
        issueNext();
        return this;
    }

    /** Null if the call did what it should; otherwise the error kind it counts as. */
    private String judge(OpKind op, CallResult.CallSucceeded ok) {
        try {
            switch (op) {
                case WRITE -> {
                    final WriteRes w = NfsClient.writeResult(ok);
                    if (w.status() != Nfs3Status.NFS3_OK) {
                        return "NFS_" + w.status();
                    }
                    if (w.count() != inFlightSize) {
                        return "SHORT_WRITE";
                    }
                    knownSize = inFlightSize;
                    knownCrc = writtenCrc;
                    return null;
                }
                case READ -> {
                    final ReadRes r = NfsClient.readResult(ok, sink.segment(0, inFlightSize));
                    if (r.status() != Nfs3Status.NFS3_OK) {
                        return "NFS_" + r.status();
                    }
                    verify(r.data());
                    return null;
                }
                case GETATTR -> {
                    final GetattrRes g = NfsClient.getattrResult(ok);
                    return g.status() == Nfs3Status.NFS3_OK ? null : "NFS_" + g.status();
                }
                case NULL -> {
                    return null;
                }
                default -> throw new AssertionError(op);
            }
        } catch (XdrException | IllegalArgumentException e) {
            return "BAD_RESULT";
        }
    }

    private void verify(byte[] read) {
        if (knownSize != inFlightSize) {
            tally.unverifiedReads++;
            return;
        }
        tally.verifiedReads++;
        crc.reset();
        crc.update(read);
        if (read.length != knownSize || crc.getValue() != knownCrc) {
            tally.recordMismatch("worker " + id + " cycle " + cycle + ": READ of " + knownSize + " bytes at offset "
                    + regionOffset + " returned " + read.length + " bytes with CRC32 " + Long.toHexString(crc.getValue())
                    + ", the last successful WRITE had " + Long.toHexString(knownCrc));
        }
    }

    private void issueNext() {
        final OpKind op = nextOp();
        final RpcCallSpec spec = switch (op) {
            case WRITE -> {
                inFlightSize = mix.pick(random);
                writtenCrc = fill(inFlightSize);
                yield NfsClient.write(file, regionOffset, StableHow.FILE_SYNC, data.segment(0, inFlightSize));
            }
            // Read back what the last WRITE attempted: its size is the region's if that WRITE succeeded.
            case READ -> NfsClient.read(file, regionOffset, sink.segment(0, inFlightSize));
            case GETATTR -> NfsClient.getattr(file);
            case NULL -> NfsClient.nullCall();
        };
        inFlight = op;
        tally.issued++;
        live.inFlight.incrementAndGet();
        startNanos = System.nanoTime();
        client.tell(new RpcRdmaClient.Call(spec, resultAdapter));
    }

    private OpKind nextOp() {
        while (true) {
            final int s = step++;
            switch (s) {
                case 0 -> {
                    return OpKind.WRITE;
                }
                case 1 -> {
                    return OpKind.READ;
                }
                case 2 -> {
                    if (cycle % 4 == 3) {
                        return OpKind.GETATTR;
                    }
                }
                case 3 -> {
                    if (cycle % 8 == 7) {
                        return OpKind.NULL;
                    }
                }
                default -> {
                    cycle++;
                    step = 0;
                }
            }
        }
    }

    /** Seeded random bytes into the data buffer; returns their CRC32. */
    private long fill(int size) {
        final ByteBuffer b = data.buffer();
        int i = 0;
        for (; i + 8 <= size; i += 8) {
            b.putLong(i, random.nextLong());
        }
        for (; i < size; i++) {
            b.put(i, (byte) random.nextInt());
        }
        crc.reset();
        crc.update(b.duplicate().position(0).limit(size));
        return crc.getValue();
    }
}
