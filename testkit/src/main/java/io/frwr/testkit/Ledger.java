package io.frwr.testkit;

import io.frwr.actors.Registration;
import io.frwr.invariants.ReleaseWatch;
import io.frwr.invariants.RkeyProbe;
import io.frwr.invariants.Violation;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.WireMessage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the test asked of the transport and the client, and what came back: the books the invariant
 * checker reads. Replies are checked the moment they are delivered (by the kit's interceptor actors), since
 * "released while still reachable" is a fact about that moment: the shared {@link ReleaseWatch} asks the client
 * device then.
 */
final class Ledger {
    private final SimDevice client;
    private final AtomicLong nextRequest = new AtomicLong(1);
    private final Map<Long, String> pending = new ConcurrentHashMap<>();
    private final Map<Long, Registration> held = new ConcurrentHashMap<>();
    private final Map<Integer, Set<Integer>> handlesByXid = new ConcurrentHashMap<>();
    private final ReleaseWatch releases;

    Ledger(SimDevice client) {
        this.client = client;
        this.releases = new ReleaseWatch(RkeyProbe.of(client));
    }

    long open(String description) {
        final long id = nextRequest.getAndIncrement();
        pending.put(id, description);
        return id;
    }

    void close(long id) {
        pending.remove(id);
    }

    /** Requests issued through the kit that have had no answer, in issue order. */
    List<String> unanswered() {
        final Map<Long, String> sorted = new java.util.TreeMap<>(pending);
        return new ArrayList<>(sorted.values());
    }

    void registered(Registration r) {
        held.put(r.id(), r);
    }

    List<Registration> held() {
        return List.copyOf(new LinkedHashMap<>(held).values());
    }

    /** At an Invalidated: no rkey the registration handed out may be reachable by the peer now. */
    void released(Registration r, boolean fenced, String who) {
        held.remove(r.id());
        releases.handedBack(who + " (" + r + (fenced ? "" : ", reported unfenced") + ")", Invariants.rkeys(r));
    }

    /** At a CallResult: no rkey any transmission of the call carried may be reachable now. */
    void callEnded(int xid, String who) {
        final Set<Integer> rkeys = handlesByXid.remove(xid);
        if (rkeys != null) {
            releases.handedBack(who, rkeys);
        }
    }

    List<Violation> earlyReleases() {
        releases.recheck(); // memory handed back while live-but-unreachable must still be out of reach
        return releases.violations();
    }

    long releasesChecked() {
        return releases.checked();
    }

    /** Wire tap: remember the handles each call's SEND hands to the responder. */
    void onWire(WireMessage m) {
        if (m.srcEndpoint() != client.endpointId() || m.kind() != WireMessage.Kind.SEND) {
            return;
        }
        try {
            final RpcRdmaHeader h = RpcRdmaCodec.decode(ByteBuffer.wrap(m.payload()), DecodeLimits.DEFAULT);
            if (!h.handles().isEmpty()) {
                handlesByXid.computeIfAbsent(h.xid(), x -> ConcurrentHashMap.newKeySet()).addAll(h.handles());
            }
        } catch (RpcRdmaDecodeException | RuntimeException e) {
            // Not an RPC-over-RDMA message (a test's own SEND): nothing to remember.
        }
    }
}
