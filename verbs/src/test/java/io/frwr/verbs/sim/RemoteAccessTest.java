package io.frwr.verbs.sim;

import io.frwr.verbs.Access;
import io.frwr.verbs.CmEvent;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QpState;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client registers its memory; the server reads and writes it, as an RPC-over-RDMA server does. */
class RemoteAccessTest {

    private static void expectDenied(Conn c, SendWr wr, SimStats.DenyReason reason) {
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.serverSendCq);
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(wcs), "completions of " + wr);
        assertEquals(wr.wrId(), wcs.get(0).wrId());
        assertEquals(1, c.fabric.stats().denied(reason), "denied for " + reason + ": " + c.fabric.stats());
        assertEquals(1, c.fabric.stats().remoteAccessDeniedTotal());
        assertEquals(QpState.ERROR, c.serverQp.state(), "requester QP");
        assertEquals(QpState.ERROR, c.clientQp.state(), "target QP");
        assertTrue(c.clientEvents.get(c.clientEvents.size() - 1) instanceof CmEvent.Disconnected);
        assertTrue(c.serverEvents.get(c.serverEvents.size() - 1) instanceof CmEvent.Disconnected);
        assertEquals(0, c.fabric.stats().staleRkeyAccessSucceeded());
    }

    @Test
    void aReadWithThePreviousKeyByteFailsAndLeavesTheBytesAlone() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(256, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 256, ALL, 1);
        final int previous = mr.installedRkey();
        mr.updateKey(2);
        c.clientQp.postSend(List.of(new SendWr.LocalInv(1, false, previous),
                Conn.fastReg(2, mr, Conn.pages(mem, 0, 256), ALL)));
        c.settle();
        Conn.drain(c.clientSendCq);

        final DmaBuffer sink = Conn.map(c.server, Conn.pattern(256, 77));
        final SendWr read = Conn.read(3, sink, 256, mem.address(), previous);
        c.serverQp.postSend(read);
        expectDenied(c, read, SimStats.DenyReason.KEY_MISMATCH);
        assertArrayEquals(Conn.pattern(256, 77), Conn.bytes(sink, 0, 256), "the sink is untouched");
        assertArrayEquals(Conn.pattern(256, 1), Conn.bytes(mem, 0, 256), "the target is untouched");
    }

    @Test
    void aWriteWithAStaleRkeyLeavesTargetMemoryUntouched() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, ALL, 5);
        c.clientQp.postSend(new SendWr.LocalInv(1, true, mr.installedRkey()));
        c.settle();
        Conn.drain(c.clientSendCq);
        final SendWr write = Conn.write(2, false, Conn.map(c.server, Conn.pattern(64, 9)), 64, mem.address(),
                mr.installedRkey());
        c.serverQp.postSend(write);
        expectDenied(c, write, SimStats.DenyReason.INVALID);
        assertArrayEquals(Conn.pattern(64, 1), Conn.bytes(mem, 0, 64));
    }

    @Test
    void readNeedsRemoteRead() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, Access.LOCAL_WRITE | Access.REMOTE_WRITE, 1);
        final DmaBuffer sink = Conn.map(c.server, 64);
        final SendWr read = Conn.read(1, sink, 64, mem.address(), mr.rkey());
        c.serverQp.postSend(read);
        expectDenied(c, read, SimStats.DenyReason.ACCESS);
        assertArrayEquals(new byte[64], Conn.bytes(sink, 0, 64));
    }

    @Test
    void writeNeedsRemoteWrite() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, Access.LOCAL_WRITE | Access.REMOTE_READ, 1);
        final SendWr write = Conn.write(1, true, Conn.map(c.server, 64), 64, mem.address(), mr.rkey());
        c.serverQp.postSend(write);
        expectDenied(c, write, SimStats.DenyReason.ACCESS);
        assertArrayEquals(Conn.pattern(64, 1), Conn.bytes(mem, 0, 64));
    }

    @Test
    void theWholeRegistrationIsReachableButOneBytePastTheEndIsNot() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(4096, 3));
        final SimMr mr = c.register(c.clientQp, mem, 100, 200, ALL, 1);
        final DmaBuffer sink = Conn.map(c.server, 201);
        c.serverQp.postSend(Conn.read(1, sink, 200, mem.address() + 100, mr.rkey()));
        c.serverQp.postSend(Conn.read(2, sink, 1, mem.address() + 299, mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        final SendWr pastEnd = Conn.read(3, sink, 201, mem.address() + 100, mr.rkey());
        c.serverQp.postSend(pastEnd);
        expectDenied(c, pastEnd, SimStats.DenyReason.BOUNDS);
    }

    @Test
    void oneByteBeforeTheStartIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(4096, 3));
        final SimMr mr = c.register(c.clientQp, mem, 100, 200, ALL, 1);
        final SendWr before = Conn.write(1, true, Conn.map(c.server, 2), 2, mem.address() + 99, mr.rkey());
        c.serverQp.postSend(before);
        expectDenied(c, before, SimStats.DenyReason.BOUNDS);
        assertArrayEquals(Conn.pattern(4096, 3), Conn.bytes(mem, 0, 4096));
    }

    @Test
    void anRkeyOfNoMrIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final SendWr read = Conn.read(1, Conn.map(c.server, 8), 8, 0x1000, RKey.of(4242, 0));
        c.serverQp.postSend(read);
        expectDenied(c, read, SimStats.DenyReason.NO_SUCH_MR);
    }

    @Test
    void anMrThatWasNeverRegisteredIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        final SendWr read = Conn.read(1, Conn.map(c.server, 8), 8, 0x1000, mr.rkey());
        c.serverQp.postSend(read);
        expectDenied(c, read, SimStats.DenyReason.INVALID);
    }

    @Test
    void anMrOfAnotherPdIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, 64);
        final SimProtectionDomain otherPd = c.client.allocPd();
        // registered through a second connection whose client QP is in the other PD
        final SimMr mr = otherPd.allocFastRegMr(1);
        final SimFabric f = c.fabric;
        final List<CmEvent> ev = new java.util.ArrayList<>();
        c.server.connectionManager().listen("server-b", req -> {
            try {
                req.accept(new io.frwr.verbs.ConnectParams(c.serverPd, c.serverSendCq, c.serverRecvCq, 4, 4,
                        null, null), e -> { });
            } catch (io.frwr.verbs.VerbsException e) {
                throw new AssertionError(e);
            }
        });
        c.client.connectionManager().connect("server-b", new io.frwr.verbs.ConnectParams(otherPd, c.clientSendCq,
                c.clientRecvCq, 4, 4, null, null), ev::add);
        f.runUntilQuiet(100);
        final SimQueuePair otherQp = (SimQueuePair) ((CmEvent.Established) ev.get(0)).qp();
        otherQp.postSend(Conn.fastReg(1, mr, Conn.pages(mem, 0, 64), ALL));
        f.runUntilQuiet(100);
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
        // the first connection's client QP is in clientPd: a peer reading through it is refused
        final SendWr read = Conn.read(2, Conn.map(c.server, 8), 8, mem.address(), mr.rkey());
        c.serverQp.postSend(read);
        expectDenied(c, read, SimStats.DenyReason.PD_MISMATCH);
    }

    @Test
    void zeroLengthReadChecksNoRkey() throws Exception {
        final Conn c = Conn.stepped();
        c.serverQp.postSend(new SendWr.RdmaRead(1, true, List.of(), 0, RKey.of(999, 9)));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.serverSendCq)));
        assertEquals(QpState.RTS, c.serverQp.state());
    }

    @Test
    void writesLandAndReadsReturnTheBytes() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer mem = Conn.map(c.client, 4096);
        final SimMr mr = c.register(c.clientQp, mem, 0, 4096, ALL, 1);
        final DmaBuffer src = Conn.map(c.server, Conn.pattern(1000, 42));
        c.serverQp.postSend(Conn.write(1, true, src, 1000, mem.address() + 500, mr.rkey()));
        final DmaBuffer sink = Conn.map(c.server, 1000);
        c.serverQp.postSend(Conn.read(2, sink, 1000, mem.address() + 500, mr.rkey()));
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.serverSendCq);
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), Conn.statuses(wcs));
        assertEquals(1000, wcs.get(1).byteLen(), "READ completions carry the byte count");
        assertArrayEquals(Conn.pattern(1000, 42), Conn.bytes(mem, 500, 1000));
        assertArrayEquals(Conn.pattern(1000, 42), Conn.bytes(sink, 0, 1000));
        assertEquals(2000, c.fabric.stats().bytesMoved());
    }
}
