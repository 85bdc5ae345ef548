package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SendQueueAccountingTest {

    @Test
    void overflowIsEnomemAtTheFirstWrThatDidNotFitAndTheOthersWerePosted() throws Exception {
        final Conn c = new Conn(Conn.stepped(1), "client", "server", 4, 4);
        final DmaBuffer target = Conn.map(c.server, 64);
        final SimMr mr = c.register(c.serverQp, target, 0, 64, ALL, 1);
        final DmaBuffer src = Conn.map(c.client, 8);
        final List<SendWr> chain = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chain.add(Conn.write(i, true, src, 8, target.address(), mr.rkey()));
        }
        final PostSendException e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(chain));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(4, e.failedIndex());
        assertEquals(4, c.clientQp.outstandingSends());
        c.settle();
        assertEquals(List.of(0L, 1L, 2L, 3L), Conn.wrIds(Conn.drain(c.clientSendCq)));
        assertEquals(0, c.clientQp.outstandingSends());
    }

    @Test
    void fastRegAndLocalInvTakeSlotsLikeAnyWr() throws Exception {
        final Conn c = new Conn(Conn.stepped(1), "client", "server", 2, 2);
        final DmaBuffer b = Conn.map(c.client, 4096);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        final PostSendException e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(List.of(
                new SendWr.LocalInv(1, false, mr.rkey()),
                Conn.fastReg(2, mr, Conn.pages(b, 0, 64), ALL),
                Conn.send(3, true, b, 8))));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(2, e.failedIndex());
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
    }

    @Test
    void unsignaledWrsHoldTheirSlotsUntilALaterSignaledWrCompletes() throws Exception {
        final Conn c = new Conn(Conn.stepped(1), "client", "server", 4, 4);
        final SimMr mr = c.clientPd.allocFastRegMr(1); // invalid MR, key 0: LOCAL_INV of it succeeds
        final SendWr.LocalInv unsignaled = new SendWr.LocalInv(1, false, mr.rkey());
        c.clientQp.postSend(List.of(unsignaled, unsignaled, unsignaled));
        c.settle();
        assertEquals(0, c.clientSendCq.size());
        assertEquals(3, c.clientQp.outstandingSends(), "executed, but no completion was generated yet");
        // one slot left: two WRs do not fit
        final PostSendException e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(List.of(
                new SendWr.LocalInv(4, true, mr.rkey()), new SendWr.LocalInv(5, true, mr.rkey()))));
        assertEquals(1, e.failedIndex());
        c.settle();
        assertEquals(List.of(4L), Conn.wrIds(Conn.drain(c.clientSendCq)));
        assertEquals(0, c.clientQp.outstandingSends(), "the signaled completion freed the earlier slots");
    }

    @Test
    void signalingEveryNthWrKeepsTheQueueFlowing() throws Exception {
        final int depth = 8;
        final Conn c = new Conn(Conn.stepped(1), "client", "server", depth, 4);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        int completions = 0;
        for (int i = 0; i < 100; i++) {
            c.clientQp.postSend(new SendWr.LocalInv(i, i % depth == depth - 1, mr.rkey()));
            c.settle();
            completions += Conn.drain(c.clientSendCq).size();
        }
        assertEquals(100 / depth, completions);
        assertEquals(100 % depth, c.clientQp.outstandingSends());
    }

    @Test
    void neverSignalingRunsOutOfSlots() throws Exception {
        final Conn c = new Conn(Conn.stepped(1), "client", "server", 8, 4);
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        for (int i = 0; i < 8; i++) {
            c.clientQp.postSend(new SendWr.LocalInv(i, false, mr.rkey()));
            c.settle();
        }
        final PostSendException e = assertThrows(PostSendException.class,
                () -> c.clientQp.postSend(new SendWr.LocalInv(8, false, mr.rkey())));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(0, e.failedIndex());
    }

    @Test
    void malformedWrsAreEinvalAtTheirIndex() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer b = Conn.map(c.client, 8);
        final List<SendWr> chain = new ArrayList<>();
        chain.add(Conn.send(1, true, b, 8));
        chain.add(new SendWr.FastReg(2, true, null, null, 0, ALL));
        final PostSendException e = assertThrows(PostSendException.class, () -> c.clientQp.postSend(chain));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(1, e.failedIndex());
        assertEquals(1, c.clientQp.outstandingSends());
    }
}
