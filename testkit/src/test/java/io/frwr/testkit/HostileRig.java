package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.GetattrArgs;
import io.frwr.rpc.nfs.GetattrRes;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.Nfs3;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.rpc.oncrpc.ReplyStatus;
import io.frwr.rpc.oncrpc.RpcCallHeader;
import io.frwr.rpc.oncrpc.RpcReplyHeader;
import io.frwr.rpc.rdma.RdmaProc;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.ResponderStats;
import io.frwr.rpc.server.RpcRdmaResponder;
import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The real responder on a seeded STEPPED fabric under ManualTime, with requesters on raw verbs: the test
 * thread steps every fabric event and waits for the actors to settle in between, so a hostile scenario
 * replays exactly from its seed.
 */
final class HostileRig implements AutoCloseable {
    static final String SERVER = "server";
    private static final byte[] HANDLE = {9, 8, 7, 6, 5, 4, 3, 2};
    private static final int MAX_EVENTS = 1_000_000;

    final ActorTestKit kit;
    final ManualTime time;
    final SimFabric fabric;
    final SimDevice server;
    final ResponderSettings settings;
    final ActorRef<RpcRdmaResponder.Command> responder;
    final InMemoryExport export;
    final FileHandle file;
    private final DispatcherActivity activity;
    private final List<MisbehavingRequester> requesters = new CopyOnWriteArrayList<>();
    private int nextFirstXid = 0x1000;

    HostileRig(long seed, ResponderSettings settings) {
        this.kit = FrwrTestKit.newActorTestKit("hostile");
        this.activity = DispatcherActivity.lookup(kit.system().settings().config().getString("frwr-testkit.activity-id"));
        this.time = ManualTime.get(kit.system());
        this.fabric = SimFabric.builder().seed(seed).mode(SimMode.STEPPED).build();
        this.server = fabric.endpoint(SERVER);
        this.settings = settings;
        fabric.setWireTap(m -> requesters.forEach(r -> r.onWire(m)));
        this.export = new InMemoryExport(3, 1 << 20);
        this.file = export.addFile(HANDLE, new byte[12345]);
        this.responder = kit.spawn(RpcRdmaResponder.create(server, SERVER, settings, new NfsProgram(export)),
                "responder");
        settle();
    }

    /** A requester on an endpoint of its own, connected. */
    MisbehavingRequester connect(String endpoint) {
        final MisbehavingRequester r;
        try {
            r = new MisbehavingRequester(fabric.endpoint(endpoint), SERVER, nextFirstXid);
        } catch (VerbsException e) {
            throw new IllegalStateException("requester not set up: " + e.getMessage(), e);
        }
        nextFirstXid += 0x1000;
        requesters.add(r);
        runUntilQuiet();
        if (!r.isConnected()) {
            throw new AssertionError(endpoint + " did not connect");
        }
        return r;
    }

    /** Close a requester this rig connected (its memory and MRs released) and forget it. */
    void retire(MisbehavingRequester r) {
        requesters.remove(r);
        r.close();
        runUntilQuiet();
    }

    /** Wait until the actors are idle, and let the requesters collect what arrived. */
    void settle() {
        do {
            activity.awaitIdle(FrwrTestKit.HANG_GUARD);
            requesters.forEach(MisbehavingRequester::pump);
        } while (!activity.isIdle());
    }

    int runUntilQuiet() {
        settle();
        int n = 0;
        while (fabric.step()) {
            settle();
            if (++n == MAX_EVENTS) {
                throw new IllegalStateException("the fabric did not go quiet within " + MAX_EVENTS + " events");
            }
        }
        return n;
    }

    /** Let manual time pass (the responder's service-time timers fire), then run the fabric until quiet. */
    void advance(Duration d) {
        runUntilQuiet();
        time.timePasses(d);
        runUntilQuiet();
    }

    ResponderStats stats() {
        final TestProbe<ResponderStats> probe = kit.createTestProbe();
        responder.tell(new RpcRdmaResponder.GetStats(probe.getRef()));
        settle();
        return probe.receiveMessage(FrwrTestKit.HANG_GUARD);
    }

    /** A well-behaved NFS GETATTR from {@code honest} is answered SUCCESS with the file's size. */
    void assertServes(MisbehavingRequester honest) throws Exception {
        final int xid = honest.nextXid();
        honest.call(xid, getattrCall(xid));
        advance(settings.serviceTime());
        final MisbehavingRequester.Reply r = honest.replyTo(xid);
        assertNotNull(r, "the well-behaved requester got no reply to xid 0x" + Integer.toHexString(xid));
        assertEquals(RdmaProc.RDMA_MSG, r.header().proc());
        final XdrDecoder d = XdrDecoder.of(r.rpc());
        assertEquals(ReplyStatus.SUCCESS, RpcReplyHeader.decode(d).status());
        assertEquals(12345, GetattrRes.decode(d).attributes().size());
    }

    byte[] getattrCall(int xid) {
        final byte[] head = new RpcCallHeader(xid, Nfs3.PROGRAM, Nfs3.VERSION, Nfs3.PROC_GETATTR,
                OpaqueAuth.NONE, OpaqueAuth.NONE).encode();
        return MisbehavingRequester.concat(head, new GetattrArgs(file).encode());
    }

    @Override
    public void close() {
        try {
            kit.stop(responder, FrwrTestKit.HANG_GUARD);
            requesters.forEach(MisbehavingRequester::close);
        } finally {
            kit.shutdownTestKit();
            fabric.close();
        }
    }
}
