package io.frwr.verbs.disni;

import io.frwr.verbs.Access;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Opcode;
import io.frwr.verbs.PageList;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DisniQueuePairTest {
    private final Object device = new Object();
    private final Fakes.Qp nativeQp = new Fakes.Qp();
    private final Fakes.Registrar registrar = new Fakes.Registrar();
    private final Fakes.ManualExecutor regThread = new Fakes.ManualExecutor();
    private final DisniCompletionQueue sendCq = new DisniCompletionQueue(64);
    private final DisniCompletionQueue recvCq = new DisniCompletionQueue(64);
    private final DmaBuffer buf = new DmaBuffer(ByteBuffer.allocateDirect(8192), 0x10000, device);
    private DisniQueuePair qp;
    private DisniFastRegMr mr;

    @BeforeEach
    void setUp() {
        qp = qp(8);
        mr = new DisniFastRegMr(device, 7, 16);
    }

    private DisniQueuePair qp(int maxSendWr) {
        return new DisniQueuePair(nativeQp, sendCq, recvCq, maxSendWr, 4, 2, b -> 0x77,
                new EmulatedFastReg(registrar, device), regThread);
    }

    private SendWr.FastReg fastReg(long wrId, PageList pages) {
        return new SendWr.FastReg(wrId, true, mr, pages, mr.rkey(), Access.REMOTE_READ | Access.REMOTE_WRITE);
    }

    private static PageList contiguous() {
        return PageList.of(4096, false, new long[]{0x10000, 0x11000}, new int[]{4096, 4096});
    }

    private SendWr.Send send(long wrId) {
        return new SendWr.Send(wrId, true, List.of(buf.segment(0, 100)));
    }

    private List<WorkCompletion> drain(DisniCompletionQueue cq) {
        final List<WorkCompletion> out = new ArrayList<>();
        cq.poll(out, 100);
        return out;
    }

    @Test
    void sendAfterFastRegIsHeldUntilTheRegistrationExists() throws Exception {
        qp.postSend(List.of(fastReg(1, contiguous()), send(2)));

        assertTrue(nativeQp.posted.isEmpty(), "the SEND must not reach the wire before the registration");
        assertEquals(0, registrar.regCalls);

        regThread.runOne();

        assertEquals(1, nativeQp.posted.size());
        assertEquals(IbvNumbers.WR_SEND, nativeQp.posted.get(0).opcode());
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(1, wcs.size());
        assertEquals(Opcode.FAST_REG, wcs.get(0).opcode());
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status());
        assertEquals(0x1234_5600, mr.rkey(), "rkey() is ibv_reg_mr's after the FAST_REG completed");
        assertTrue(registrar.accepts(mr.rkey(), 0x10000, 8192));
    }

    @Test
    void nativeWrsBeforeAnEmulatedOneAreNotHeld() throws Exception {
        qp.postSend(List.of(send(1), fastReg(2, contiguous()), send(3)));
        assertEquals(1, nativeQp.posted.size(), "only the SEND ahead of the FAST_REG is posted");
        regThread.runAll();
        assertEquals(2, nativeQp.posted.size());
    }

    @Test
    void nonContiguousPageListFailsWithLocProtErrAndFlushesWhatItHeld() throws Exception {
        final PageList gap = PageList.of(4096, false, new long[]{0x10000, 0x20000}, new int[]{4096, 4096});
        qp.postSend(List.of(fastReg(1, gap), send(2), send(3)));

        regThread.runOne();

        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR),
                wcs.stream().map(WorkCompletion::status).toList());
        assertEquals(List.of(1L, 2L, 3L), wcs.stream().map(WorkCompletion::wrId).toList());
        assertEquals(0, registrar.regCalls, "nothing may be registered for a page list with a gap");
        assertTrue(nativeQp.posted.isEmpty());
        assertEquals(QpState.ERROR, qp.state());
        assertEquals(1, nativeQp.disconnects, "the native QP must flush too");
        final PostSendException e = assertThrows(PostSendException.class, () -> qp.postSend(send(4)));
        assertEquals(Errno.ENOTCONN, e.errno());
    }

    @Test
    void localInvDeregistersSoTheOldRkeyIsRefusedAndTheMrCanBeRegisteredAgain() throws Exception {
        qp.postSend(fastReg(1, contiguous()));
        regThread.runOne();
        final int oldRkey = mr.rkey();

        qp.postSend(new SendWr.LocalInv(2, true, oldRkey));
        regThread.runOne();

        assertFalse(registrar.accepts(oldRkey, 0x10000, 1), "an invalidated rkey must not reach memory");
        qp.postSend(fastReg(3, contiguous()));
        regThread.runOne();
        assertTrue(registrar.accepts(mr.rkey(), 0x10000, 1));
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS),
                drain(sendCq).stream().map(WorkCompletion::status).toList());
    }

    @Test
    void fastRegOfAStillValidMrIsLocProtErr() throws Exception {
        qp.postSend(fastReg(1, contiguous()));
        regThread.runOne();
        qp.postSend(fastReg(2, contiguous()));
        regThread.runOne();
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(WcStatus.LOC_PROT_ERR, wcs.get(1).status());
        assertEquals(1, registrar.regCalls);
    }

    @Test
    void localInvOfAnUnknownRkeyIsLocProtErr() throws Exception {
        qp.postSend(new SendWr.LocalInv(9, false, 0xDEAD_BE00));
        regThread.runOne();
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(1, wcs.size(), "a failed unsignaled WR still completes");
        assertEquals(WcStatus.LOC_PROT_ERR, wcs.get(0).status());
        assertEquals(Opcode.LOCAL_INV, wcs.get(0).opcode());
    }

    @Test
    void heldWrsCountAgainstTheSendQueue() throws Exception {
        qp = qp(2);
        qp.postSend(List.of(fastReg(1, contiguous()), send(2)));
        final PostSendException e = assertThrows(PostSendException.class,
                () -> qp.postSend(List.of(send(3), send(4))));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(0, e.failedIndex());
    }

    @Test
    void unsignaledSuccessesAreSilentAndFreeTheirSlotsWhenALaterOneCompletes() throws Exception {
        qp = qp(2);
        qp.postSend(List.of(new SendWr.Send(1, false, List.of(buf.segment(0, 8))), send(2)));
        assertThrows(PostSendException.class, () -> qp.postSend(send(3)), "both slots are in use");

        final long seqOfSecond = nativeQp.posted.get(1).wrId();
        qp.onNativeCompletion(new NativeCompletion(seqOfSecond, IbvNumbers.WC_SUCCESS, IbvNumbers.WC_SEND, 0, 0, 0,
                0x42, 0));

        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(1, wcs.size());
        assertEquals(2L, wcs.get(0).wrId());
        qp.postSend(List.of(send(3), send(4)));
        assertEquals(4, nativeQp.posted.size());
    }

    @Test
    void errorCompletionReportsThePostedOpcodeAndMovesTheQpToError() throws Exception {
        final SendWr.SendWithInv swi = new SendWr.SendWithInv(5, true, List.of(buf.segment(0, 8)), 0xABCD_EF01);
        qp.postSend(swi);
        final NativeSendWr posted = nativeQp.posted.get(0);
        assertEquals(IbvNumbers.WR_SEND_WITH_INV, posted.opcode());
        assertEquals(0xABCD_EF01, posted.invalidateRkey());

        // an error completion's opcode field is undefined: 0xFF must not matter
        qp.onNativeCompletion(new NativeCompletion(posted.wrId(), IbvNumbers.WC_REM_INV_REQ_ERR, 0xFF, 0, 0, 0,
                0x42, 0));

        final WorkCompletion wc = drain(sendCq).get(0);
        assertEquals(Opcode.SEND_WITH_INV, wc.opcode());
        assertEquals(WcStatus.REM_INV_REQ_ERR, wc.status());
        assertEquals(QpState.ERROR, qp.state());
    }

    @Test
    void aNativeErrorCompletionComesBeforeTheFlushesOfTheWrsHeldBehindIt() throws Exception {
        qp.postSend(List.of(new SendWr.RdmaRead(1, true, List.of(buf.segment(0, 8)), 0x9000, 0x0100),
                fastReg(2, contiguous()), send(3)));
        final long readSeq = nativeQp.posted.get(0).wrId();
        qp.onNativeCompletion(new NativeCompletion(readSeq, IbvNumbers.WC_REM_ACCESS_ERR, 0, 0, 0, 0, 0x42, 0));
        regThread.runAll();
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(List.of(1L, 2L, 3L), wcs.stream().map(WorkCompletion::wrId).toList());
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR),
                wcs.stream().map(WorkCompletion::status).toList());
    }

    @Test
    void moveToErrorWhileEmulatingFlushesTheHeadFirstThenTheHeldWrsInOrder() throws Exception {
        qp.postSend(List.of(fastReg(1, contiguous()), send(2), send(3)));

        qp.moveToError();
        assertTrue(drain(sendCq).isEmpty(), "nothing may complete ahead of the FAST_REG in flight");
        assertEquals(1, nativeQp.disconnects);

        regThread.runOne();
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(List.of(1L, 2L, 3L), wcs.stream().map(WorkCompletion::wrId).toList());
        assertTrue(wcs.stream().allMatch(wc -> wc.status() == WcStatus.WR_FLUSH_ERR));
        assertTrue(nativeQp.posted.isEmpty());
    }

    @Test
    void receiveWithInvalidateCarriesTheRkeyAndTheCallersWrId() throws Exception {
        qp.postRecv(new RecvWr(77, buf.segment(0, 1024)));
        final NativeRecvWr nrw = nativeQp.recvs.get(0);
        assertTrue((nrw.wrId() & DisniQueuePair.RECV_BIT) != 0);
        qp.onNativeCompletion(new NativeCompletion(nrw.wrId(), IbvNumbers.WC_SUCCESS, IbvNumbers.WC_RECV, 200,
                IbvNumbers.WC_WITH_INV, 0x5500_0101, 0x42, 0));
        final List<WorkCompletion> wcs = new ArrayList<>();
        recvCq.poll(wcs, 10);
        assertEquals(new WorkCompletion(77, Opcode.RECV, WcStatus.SUCCESS, 200, true, 0x5500_0101, 0x42), wcs.get(0));
    }

    @Test
    void receiveQueueOverflowIsEnomem() throws Exception {
        for (int i = 0; i < 4; i++) {
            qp.postRecv(new RecvWr(i, buf.segment(0, 64)));
        }
        final VerbsException e = assertThrows(VerbsException.class, () -> qp.postRecv(new RecvWr(5, buf.segment(0, 64))));
        assertEquals(Errno.ENOMEM, e.errno());
    }

    @Test
    void notificationFiresOnceAfterArming() throws Exception {
        final AtomicInteger fired = new AtomicInteger();
        sendCq.setNotificationHandler(fired::incrementAndGet);
        sendCq.requestNotify();
        qp.postSend(List.of(fastReg(1, contiguous()), new SendWr.LocalInv(2, true, 0x1234_5600)));
        regThread.runAll();
        assertEquals(1, fired.get(), "one arm, one notification");
        assertEquals(2, drain(sendCq).size());
    }

    @Test
    void failedNativePostNamesTheWrAndKeepsTheEarlierOnesPosted() {
        nativeQp.failAtPost = 1;
        final PostSendException e = assertThrows(PostSendException.class,
                () -> qp.postSend(List.of(send(1), send(2), send(3))));
        assertEquals(1, e.failedIndex());
        assertEquals(1, nativeQp.posted.size(), "WRs before the failed one stay posted");
        for (int i = 0; i < 7; i++) {
            assertDoesNotThrow(() -> qp.postSend(send(10)), "the failed WR must not keep a send-queue slot");
        }
        assertThrows(PostSendException.class, () -> qp.postSend(send(11)));
    }

    @Test
    void deregOfTheMrDropsItsRegistration() throws Exception {
        final EmulatedFastReg emulation = new EmulatedFastReg(registrar, device);
        emulation.fastReg(fastReg(1, contiguous()));
        final int rkey = mr.rkey();
        emulation.dereg(mr);
        assertTrue(mr.isDeregistered());
        assertFalse(registrar.accepts(rkey, 0x10000, 1));
        assertEquals(WcStatus.LOC_PROT_ERR, emulation.fastReg(fastReg(2, contiguous())),
                "a deregistered MR cannot be used again");
    }

    @Test
    void drainPostsAMarkerThatFlushesBehindEveryEarlierWr() throws Exception {
        qp.postSend(List.of(new SendWr.Send(1, false, List.of()), new SendWr.Send(2, false, List.of())));
        qp.drainSendQueue(99);
        assertEquals(io.frwr.verbs.QpState.ERROR, qp.state());
        assertEquals(3, nativeQp.posted.size(), "the marker is posted to the QP in ERROR, behind the two SENDs");
        final NativeSendWr marker = nativeQp.posted.get(2);
        // The native QP flushes the marker; the first unsignaled SEND had executed, the second flushes first.
        qp.onNativeCompletion(new NativeCompletion(nativeQp.posted.get(1).wrId(), IbvNumbers.WC_WR_FLUSH_ERR,
                IbvNumbers.WC_SEND, 0, 0, 0, 0x42, 0));
        qp.onNativeCompletion(new NativeCompletion(marker.wrId(), IbvNumbers.WC_WR_FLUSH_ERR, IbvNumbers.WC_SEND,
                0, 0, 0, 0x42, 0));
        final List<WorkCompletion> wcs = drain(sendCq);
        assertEquals(List.of(2L, 99L), wcs.stream().map(WorkCompletion::wrId).toList());
        assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(1).status());
    }
}
