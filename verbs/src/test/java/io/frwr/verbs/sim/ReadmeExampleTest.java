package io.frwr.verbs.sim;

import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.FastRegMr;
import io.frwr.verbs.PageList;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example the README shows: connect, register, RDMA READ, invalidate, and the old rkey is refused. */
class ReadmeExampleTest {

    @Test
    void readmeExample() throws Exception {
        // --- README example begins ---
        SimFabric fabric = SimFabric.builder().seed(42L).mode(SimMode.STEPPED).build();
        SimDevice client = fabric.endpoint("client"), server = fabric.endpoint("server");
        var cpd = client.allocPd();
        var spd = server.allocPd();
        var ccq = client.createCq(64);
        var scq = server.createCq(64);
        server.connectionManager().listen("server", req -> {
            try { req.accept(new ConnectParams(spd, scq, scq, 16, 16, null, null), e -> { }); }
            catch (VerbsException e) { throw new IllegalStateException(e); }
        });
        List<CmEvent> events = new ArrayList<>();
        client.connectionManager().connect("server", new ConnectParams(cpd, ccq, ccq, 16, 16, null, null), events::add);
        fabric.runUntilQuiet(100);                      // nothing happens until the fabric is stepped
        QueuePair clientQp = ((CmEvent.Established) events.get(0)).qp();
        QueuePair serverQp = ((SimQueuePair) clientQp).peer();

        DmaBuffer mem = client.mapBuffer(ByteBuffer.allocateDirect(4096));   // the client registers 4 KiB
        FastRegMr mr = cpd.allocFastRegMr(1);
        mr.updateKey(1);
        PageList pages = PageList.of(4096, false, new long[] {mem.address()}, new int[] {4096});
        clientQp.postSend(new SendWr.FastReg(1, true, mr, pages, mr.rkey(), Access.LOCAL_WRITE | Access.REMOTE_READ));
        fabric.runUntilQuiet(100);                      // registered: only now may the rkey be advertised

        DmaBuffer sink = server.mapBuffer(ByteBuffer.allocateDirect(4096));  // the server reads it
        SendWr read = new SendWr.RdmaRead(2, true, List.of(sink.segment(0, 4096)), mem.address(), mr.rkey());
        serverQp.postSend(read);
        fabric.runUntilQuiet(100);
        clientQp.postSend(new SendWr.LocalInv(3, true, mr.rkey()));         // the client invalidates
        fabric.runUntilQuiet(100);
        serverQp.postSend(read);                        // the same READ with the old rkey
        fabric.runUntilQuiet(100);

        List<WorkCompletion> done = new ArrayList<>();
        scq.poll(done, 10);                             // [SUCCESS, REM_ACCESS_ERR]; both QPs are now in ERROR
        // --- README example ends ---
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.REM_ACCESS_ERR), done.stream().map(WorkCompletion::status).toList());
        assertEquals(1, fabric.stats().denied(SimStats.DenyReason.INVALID));
    }
}
