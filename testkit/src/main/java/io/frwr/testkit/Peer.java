package io.frwr.testkit;

import io.frwr.actors.Handle;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The far end of a transport-only kit, for tests that play the peer: RDMA WRITE into and READ from the
 * handles the transport gave out, SEND and SEND_WITH_INV to it. Each call posts one signaled WR on the
 * peer's newest connected QP and steps the kit's fabric until its completion arrives, so the result says
 * what the hardware did: SUCCESS, or REM_ACCESS_ERR when the rkey no longer works (which, as on a real
 * fabric, also breaks the connection; the transport then reconnects).
 *
 * <pre>{@code
 * Registration reg = kit.registerOk(Direction.PEER_WRITES, kit.memory(4096));
 * assertEquals(WcStatus.SUCCESS, kit.peer().write(reg.chunk(0).get(0), new byte[] {1, 2, 3}));
 * }</pre>
 */
public final class Peer {
    /** What an RDMA READ brought back; {@code bytes} is empty unless {@code status} is SUCCESS. */
    public record ReadResult(WcStatus status, byte[] bytes) { }

    private static final int MEMORY = 1 << 20;

    private final FrwrTestKit kit;
    private final BareServer server;
    private final DmaBuffer memory;
    private final Map<Long, WorkCompletion> completed = new HashMap<>();
    private final List<byte[]> received = new ArrayList<>();
    private final List<WorkCompletion> polled = new ArrayList<>();
    private long nextWrId = 1;

    Peer(FrwrTestKit kit, BareServer server) {
        this.kit = kit;
        this.server = server;
        try {
            this.memory = server.device().mapBuffer(ByteBuffer.allocateDirect(MEMORY));
        } catch (VerbsException e) {
            throw new IllegalStateException("could not map the peer's memory: " + e.getMessage(), e);
        }
    }

    /** RDMA WRITE {@code bytes} at the start of {@code handle}'s range with its rkey; the completion status. */
    public WcStatus write(Handle handle, byte[] bytes) {
        return write(handle.rkey(), handle.offset(), bytes);
    }

    /** RDMA WRITE {@code bytes} to {@code remoteAddress} under {@code rkey} (any rkey: stale, foreign, made up). */
    public WcStatus write(int rkey, long remoteAddress, byte[] bytes) {
        checkLength(bytes.length);
        memory.buffer().put(0, bytes);
        return post(new SendWr.RdmaWrite(nextWrId++, true, List.of(memory.segment(0, bytes.length)),
                remoteAddress, rkey)).status();
    }

    /** RDMA READ {@code length} bytes from the start of {@code handle}'s range with its rkey. */
    public ReadResult read(Handle handle, int length) {
        return read(handle.rkey(), handle.offset(), length);
    }

    /** RDMA READ {@code length} bytes from {@code remoteAddress} under {@code rkey}. */
    public ReadResult read(int rkey, long remoteAddress, int length) {
        checkLength(length);
        final WorkCompletion wc = post(new SendWr.RdmaRead(nextWrId++, true, List.of(memory.segment(0, length)),
                remoteAddress, rkey));
        if (wc.status() != WcStatus.SUCCESS) {
            return new ReadResult(wc.status(), new byte[0]);
        }
        final byte[] out = new byte[length];
        memory.buffer().get(0, out);
        return new ReadResult(wc.status(), out);
    }

    /** SEND {@code bytes} to the transport (it reaches its subscribers as a Received). */
    public WcStatus send(byte[] bytes) {
        checkLength(bytes.length);
        memory.buffer().put(0, bytes);
        return post(new SendWr.Send(nextWrId++, true, List.of(memory.segment(0, bytes.length)))).status();
    }

    /**
     * SEND {@code bytes} and invalidate {@code rkey} at the transport's end (RFC 8797 remote invalidation),
     * as a responder does with the rkey of a call's chunk. The transport must then stop trusting that rkey.
     */
    public WcStatus sendWithInvalidate(int rkey, byte[] bytes) {
        checkLength(bytes.length);
        memory.buffer().put(0, bytes);
        return post(new SendWr.SendWithInv(nextWrId++, true, List.of(memory.segment(0, bytes.length)), rkey))
                .status();
    }

    /** Every message the transport SENT to this peer so far (all connections), oldest first. */
    public List<byte[]> received() {
        pollAll();
        return List.copyOf(received);
    }

    /** The peer's newest QP in RTS, or null (for raw verbs the helpers do not cover). */
    public QueuePair queuePair() {
        final BareServer.Accepted a = connected();
        return a == null ? null : a.qp();
    }

    private BareServer.Accepted connected() {
        final List<BareServer.Accepted> all = server.accepted();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).qp().state() == QpState.RTS) {
                return all.get(i);
            }
        }
        return null;
    }

    private WorkCompletion post(SendWr wr) {
        final BareServer.Accepted a = connected();
        if (a == null) {
            throw new IllegalStateException("the peer has no connected QP: await the transport's connection first");
        }
        try {
            a.qp().postSend(wr);
        } catch (VerbsException e) {
            throw new IllegalStateException("the peer could not post " + wr.opcode() + ": " + e.getMessage(), e);
        }
        if (!kit.stepUntil(() -> {
            pollAll();
            return completed.containsKey(wr.wrId());
        })) {
            throw new IllegalStateException("the fabric went quiet before the peer's " + wr.opcode() + " completed");
        }
        return completed.remove(wr.wrId());
    }

    private void checkLength(int length) {
        if (length <= 0 || length > MEMORY) {
            throw new IllegalArgumentException("a peer transfer must be 1.." + MEMORY + " bytes, was " + length);
        }
    }

    /** Collect completions of every connection; reposts each receive once its message is copied out. */
    private void pollAll() {
        for (BareServer.Accepted a : server.accepted()) {
            polled.clear();
            a.sendCq().poll(polled, 1024);
            for (WorkCompletion wc : polled) {
                completed.put(wc.wrId(), wc);
            }
            polled.clear();
            a.recvCq().poll(polled, BareServer.RECEIVES);
            for (WorkCompletion wc : polled) {
                if (wc.status() != WcStatus.SUCCESS) {
                    continue;
                }
                final int slot = (int) wc.wrId();
                final byte[] m = new byte[wc.byteLen()];
                a.recvMemory().buffer().get(slot * BareServer.SLOT, m);
                received.add(m);
                try {
                    a.qp().postRecv(new RecvWr(slot, a.recvMemory().segment(slot * BareServer.SLOT, BareServer.SLOT)));
                } catch (VerbsException e) {
                    // The QP broke: its receives flush, the transport reconnects to a fresh one.
                }
            }
        }
    }
}
