package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.RKey;
import io.frwr.verbs.SendWr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WireTapTest {

    @Test
    void everyMessageCrossingTheWireIsReported() throws Exception {
        final Conn c = Conn.stepped();
        final List<WireMessage> wire = new ArrayList<>();
        c.fabric.setWireTap(wire::add);
        final DmaBuffer mem = Conn.map(c.client, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.clientQp, mem, 0, 64, ALL, 1);
        assertEquals(List.of(), wire, "FAST_REG is local");
        c.postRecv(c.clientQp, 1, Conn.map(c.client, 64), 0, 64);
        final DmaBuffer src = Conn.map(c.server, Conn.pattern(16, 9));
        c.serverQp.postSend(List.of(
                Conn.write(1, true, src, 16, mem.address() + 8, mr.rkey()),
                Conn.read(2, Conn.map(c.server, 32), 32, mem.address(), mr.rkey()),
                new SendWr.SendWithInv(3, false, Conn.sgl(src, 0, 4), mr.rkey())));
        c.settle();
        src.buffer().put(0, (byte) 0x7F); // payloads are copies

        final int s = c.serverQp.qpNum();
        final int cl = c.clientQp.qpNum();
        assertEquals(List.of(WireMessage.Kind.RDMA_WRITE, WireMessage.Kind.ACK, WireMessage.Kind.RDMA_READ_REQUEST,
                WireMessage.Kind.RDMA_READ_RESPONSE, WireMessage.Kind.SEND_WITH_INV),
                wire.stream().map(WireMessage::kind).toList());
        final WireMessage w = wire.get(0);
        assertEquals(1, w.srcEndpoint());
        assertEquals(0, w.dstEndpoint());
        assertEquals(s, w.srcQpn());
        assertEquals(cl, w.dstQpn());
        assertEquals(mem.address() + 8, w.remoteAddr());
        assertEquals(mr.rkey(), w.rkey());
        assertEquals(16, w.dmaLength());
        assertArrayEquals(Conn.pattern(16, 9), w.payload());
        assertEquals(cl, wire.get(1).srcQpn(), "the ACK comes back from the responder");
        assertEquals(0, wire.get(2).payload().length);
        assertEquals(32, wire.get(2).dmaLength());
        final byte[] expectedRead = Conn.pattern(64, 1);
        System.arraycopy(Conn.pattern(16, 9), 0, expectedRead, 8, 16);
        assertArrayEquals(java.util.Arrays.copyOf(expectedRead, 32), wire.get(3).payload());
        assertEquals(mr.rkey(), wire.get(4).invalidateRkey());
        assertEquals(WireMessage.Nak.NONE, wire.get(4).nak());
    }

    @Test
    void refusalsAndRnrAreNaks() throws Exception {
        final Conn c = Conn.stepped();
        final List<WireMessage> wire = new ArrayList<>();
        c.fabric.setWireTap(wire::add);
        c.serverQp.postSend(Conn.read(1, Conn.map(c.server, 8), 8, 0x1000, RKey.of(5, 5)));
        c.settle();
        assertEquals(List.of(WireMessage.Kind.RDMA_READ_REQUEST, WireMessage.Kind.NAK),
                wire.stream().map(WireMessage::kind).toList());
        assertEquals(WireMessage.Nak.REMOTE_ACCESS_ERROR, wire.get(1).nak());

        final Conn d = new Conn(Conn.stepped(2));
        wire.clear();
        d.fabric.setWireTap(wire::add);
        d.clientQp.postSend(Conn.send(1, true, Conn.map(d.client, 8), 8));
        d.settle();
        assertEquals(List.of(WireMessage.Kind.SEND, WireMessage.Kind.NAK), wire.stream().map(WireMessage::kind).toList());
        assertEquals(WireMessage.Nak.RNR, wire.get(1).nak());
    }
}
