package io.frwr.loadgen;

import io.frwr.invariants.OwnershipWatch;
import io.frwr.invariants.ReleaseWatch;
import io.frwr.invariants.RkeyProbe;
import io.frwr.rpc.rdma.DecodeLimits;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaDecodeException;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which rkeys each call exposed, for the two invariants the load generator can only check while the run goes:
 * single MR ownership and no early release. It is fed from both ends of a call:
 * <ul>
 *   <li>the requester's post_send ({@link SendQueueWatch}): each SEND's RPC-over-RDMA header names the call
 *       (XID) and the rkeys it hands the responder, a claim on those MRs; each LOCAL_INV gives its rkey up.
 *       Recorded before the chain is handed to the QP, so that a result racing back on another thread always
 *       finds its call's rkeys; a LOCAL_INV refused by the post is then already counted as given up, which
 *       can only hide a violation, never invent one.</li>
 *   <li>the worker, when it receives the call's result ({@link #ended}): that is the memory being handed back,
 *       so no rkey any transmission of the call carried may still be reachable. Checked in the worker's
 *       mailbox, a moment after the client sent the result (the cheapest hook that needs no change to the
 *       client): an rkey that became unreachable in between is missed; a dead rkey never comes back, so one
 *       seen reachable here was reachable when the client let go.</li>
 * </ul>
 * The checks themselves are the shared ones ({@link OwnershipWatch}, {@link ReleaseWatch}). Costs one header
 * decode per SEND on the posting thread and one reachability question per rkey per result.
 */
final class CallBook {
    private final OwnershipWatch ownership;
    private final ReleaseWatch releases;
    private final Map<Integer, Set<Integer>> rkeysByXid = new ConcurrentHashMap<>();

    CallBook(RkeyProbe probe) {
        this.ownership = new OwnershipWatch(probe);
        this.releases = new ReleaseWatch(probe);
    }

    /** The requester is about to post {@code chain}. */
    void posting(List<? extends SendWr> chain) {
        for (SendWr wr : chain) {
            if (wr instanceof SendWr.LocalInv inv) {
                ownership.relinquished(inv.rkey());
            } else if (wr instanceof SendWr.Send send && !send.sgl().isEmpty()) {
                carried(send.sgl().get(0));
            }
        }
    }

    private void carried(Segment first) {
        final RpcRdmaHeader h;
        try {
            final ByteBuffer b = first.buffer().buffer().duplicate();
            b.limit(first.offset() + first.length()).position(first.offset());
            h = RpcRdmaCodec.decode(b.slice(), DecodeLimits.DEFAULT);
        } catch (RpcRdmaDecodeException | RuntimeException e) {
            return; // not an RPC-over-RDMA message: nothing is claimed
        }
        final Set<Integer> handles = h.handles();
        if (handles.isEmpty()) {
            return;
        }
        final String name = "call xid 0x" + Integer.toHexString(h.xid());
        for (int rkey : handles) {
            ownership.carried(h.xid(), name, rkey);
        }
        rkeysByXid.computeIfAbsent(h.xid(), x -> ConcurrentHashMap.newKeySet()).addAll(handles);
    }

    /** The worker has the result of call {@code xid} ({@code what} says which call): its memory is handed back. */
    void ended(int xid, String what) {
        final Set<Integer> rkeys = rkeysByXid.remove(xid);
        ownership.ended(xid);
        if (rkeys != null) {
            releases.handedBack(what + " (call xid 0x" + Integer.toHexString(xid) + ")", rkeys);
        }
    }

    OwnershipWatch ownership() {
        return ownership;
    }

    ReleaseWatch releases() {
        return releases;
    }

    /** Calls whose SEND carried rkeys and whose result no worker received (0 once every call ended). */
    int open() {
        return rkeysByXid.size();
    }
}
