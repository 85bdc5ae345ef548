package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** drainSendQueue (ib_drain_sq): a marker completion after every flush, so a drain can end without a timeout. */
class DrainSendQueueTest {

    @Test
    void steppedTheMarkerCompletesAfterTheFlushesAtTheNextStepAndBeforeDisconnected() throws Exception {
        for (long seed = 1; seed <= 10; seed++) {
            final Conn c = new Conn(Conn.stepped(seed));
            final SimMr mr = c.clientPd.allocFastRegMr(1);
            c.clientQp.postSend(new SendWr.LocalInv(1, false, mr.rkey())); // executes, never completes
            c.settle();
            c.clientQp.postSend(List.of(new SendWr.LocalInv(2, false, mr.rkey()),
                    new SendWr.LocalInv(3, true, mr.rkey()))); // still pending: they will flush
            c.clientQp.drainSendQueue(99);
            assertEquals(QpState.ERROR, c.clientQp.state());
            assertEquals(0, c.clientSendCq.size(), "nothing happens before step()");
            assertEquals(Errno.ENOTCONN, assertThrows(PostSendException.class,
                    () -> c.clientQp.postSend(new SendWr.LocalInv(4, true, mr.rkey()))).errno());
            final List<WorkCompletion> wcs = new ArrayList<>();
            while (c.fabric.step()) {
                final int before = wcs.size();
                wcs.addAll(Conn.drain(c.clientSendCq));
                if (c.clientEvents.size() > 1) {
                    assertTrue(wcs.stream().anyMatch(w -> w.wrId() == 99) && wcs.size() == before,
                            "seed " + seed + ": Disconnected came before the marker");
                }
            }
            assertEquals(List.of(2L, 3L, 99L), Conn.wrIds(wcs));
            assertEquals(WorkCompletion.of(99, Opcode.SEND, WcStatus.WR_FLUSH_ERR, c.clientQp.qpNum()), wcs.get(2));
            assertTrue(c.clientEvents.get(1) instanceof CmEvent.Disconnected);
            assertEquals(QpState.ERROR, c.serverQp.state());
        }
    }

    @Test
    void freeModeTheMarkerIsThereWhenTheCallReturns() throws Exception {
        try (SimFabric fabric = SimFabric.builder().build()) {
            final Conn c = new Conn(fabric);
            final SimMr mr = c.clientPd.allocFastRegMr(1);
            c.clientQp.postSend(new SendWr.LocalInv(1, false, mr.rkey()));
            c.clientQp.drainSendQueue(50);
            assertEquals(List.of(50L), Conn.wrIds(Conn.drain(c.clientSendCq)),
                    "the executed unsignaled WR has no completion; the marker says it is done");
            c.clientQp.drainSendQueue(51); // again, on a QP already in ERROR
            assertEquals(List.of(51L), Conn.wrIds(Conn.drain(c.clientSendCq)));
        }
    }

    @Test
    void steppedDrainOfAQpAlreadyFlushedStillCompletesAMarkerAtTheNextStep() throws Exception {
        final Conn c = Conn.stepped();
        c.clientQp.moveToError();
        c.settle();
        Conn.drain(c.clientSendCq);
        c.clientQp.drainSendQueue(7);
        assertEquals(0, c.clientSendCq.size());
        assertEquals(1, c.fabric.pendingEvents());
        c.settle();
        assertEquals(List.of(7L), Conn.wrIds(Conn.drain(c.clientSendCq)));
        assertTrue(c.fabric.trace().get(c.fabric.trace().size() - 1).endsWith("FLUSH 0 send, 0 recv, 1 drain marker"),
                c.fabric.trace().toString());
    }
}
