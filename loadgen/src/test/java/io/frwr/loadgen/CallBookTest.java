package io.frwr.loadgen;

import io.frwr.invariants.Invariant;
import io.frwr.invariants.RkeyProbe;
import io.frwr.rpc.rdma.RdmaSegment;
import io.frwr.rpc.rdma.ReadSegment;
import io.frwr.rpc.rdma.RpcRdmaCodec;
import io.frwr.rpc.rdma.RpcRdmaHeader;
import io.frwr.rpc.rdma.WriteChunk;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The book reads each call's rkeys from the SEND it posts and judges them when the worker gets the result. */
class CallBookTest {
    private final Set<Integer> live = new HashSet<>();
    private final CallBook book = new CallBook(RkeyProbe.of(live::contains, live::contains));

    /** The SEND a call posts: its header at offset 16 of a send buffer, the RPC message behind it. */
    private static SendWr.Send send(int xid, int readRkey, int writeRkey) {
        final RpcRdmaHeader h = RpcRdmaHeader.msg(xid, 32,
                List.of(new ReadSegment(0, new RdmaSegment(readRkey, 4096, 0x1000))),
                List.of(new WriteChunk(List.of(new RdmaSegment(writeRkey, 4096, 0x2000)))), null);
        final byte[] header = RpcRdmaCodec.encode(h);
        final ByteBuffer mem = ByteBuffer.allocateDirect(16 + header.length + 40);
        mem.put(16, header);
        final DmaBuffer b = new DmaBuffer(mem, 0x10000, "test");
        return new SendWr.Send(1, true, List.of(b.segment(16, header.length + 40)));
    }

    @Test
    void aResultHandedBackWhileAnRkeyOfItsCallIsLiveIsAnEarlyRelease() {
        final int a = RKey.of(1, 1);
        final int b = RKey.of(2, 1);
        live.add(a);
        live.add(b);
        book.posting(List.of(send(0x51, a, b)));
        assertEquals(1, book.open());
        live.remove(a);
        book.ended(0x51, "WRITE");
        assertEquals(0, book.open());
        assertEquals(1, book.releases().violationCount());
        assertEquals(Invariant.NO_EARLY_RELEASE, book.releases().violations().get(0).invariant());
        assertTrue(book.releases().violations().get(0).message().startsWith("WRITE (call xid 0x51) was handed back"
                + " while rkey " + RKey.format(b)), book.releases().violations().get(0).message());
    }

    @Test
    void anMrReusedAfterItsLocalInvIsFineAndOneReusedWhileLiveIsOwnedTwice() {
        final int a = RKey.of(3, 1);
        live.add(a);
        book.posting(List.of(send(0x61, a, RKey.of(4, 1))));
        // The seed's order: call 0x61's LOCAL_INV, then call 0x62's FAST_REG and SEND in one chain.
        book.posting(List.of(new SendWr.LocalInv(2, true, a), send(0x62, RKey.of(3, 2), RKey.of(5, 1))));
        assertEquals(0, book.ownership().violationCount());

        // Call 0x63 is handed MR 3 again while 0x62's rkey is live and no LOCAL_INV was posted for it.
        live.add(RKey.of(3, 2));
        book.posting(List.of(send(0x63, RKey.of(3, 3), RKey.of(6, 1))));
        assertEquals(1, book.ownership().violationCount());
        assertTrue(book.ownership().violations().get(0).message().startsWith("MR index 3 is held by call xid 0x62"),
                book.ownership().violations().get(0).message());
    }

    @Test
    void aSendThatIsNotRpcOverRdmaClaimsNothing() {
        final DmaBuffer b = new DmaBuffer(ByteBuffer.allocateDirect(8), 0x20000, "test");
        book.posting(List.of(new SendWr.Send(1, true, List.of(b.segment(0, 8)))));
        assertEquals(0, book.open());
        assertEquals(0, book.ownership().claims());
    }
}
