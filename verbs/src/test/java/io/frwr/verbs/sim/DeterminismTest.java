package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.SendWr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterminismTest {

    /** Four connections; each client registers, each server writes and reads and sends, all interleaved. */
    private static List<String> workload(long seed, boolean breakOne) throws Exception {
        final SimFabric fabric = Conn.stepped(seed);
        final List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            conns.add(new Conn(fabric, "client" + i, "server" + i, 32, 32));
        }
        final List<SimMr> mrs = new ArrayList<>();
        final List<DmaBuffer> mems = new ArrayList<>();
        for (Conn c : conns) {
            final DmaBuffer mem = Conn.map(c.client, 4096);
            mems.add(mem);
            mrs.add(c.register(c.clientQp, mem, 0, 4096, ALL, 1));
            for (int r = 0; r < 4; r++) {
                c.postRecv(c.clientQp, r, Conn.map(c.client, 64), 0, 64);
            }
        }
        for (int i = 0; i < conns.size(); i++) {
            final Conn c = conns.get(i);
            final DmaBuffer src = Conn.map(c.server, Conn.pattern(64, i));
            final List<SendWr> chain = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                chain.add(Conn.write(10 + k, k == 3, src, 64, mems.get(i).address() + 64L * k, mrs.get(i).rkey()));
                chain.add(Conn.read(20 + k, Conn.map(c.server, 64), 64, mems.get(i).address(), mrs.get(i).rkey()));
                chain.add(Conn.send(30 + k, true, src, 64));
            }
            c.serverQp.postSend(chain);
        }
        fabric.runUntilQuiet(100_000);
        if (!breakOne) {
            return fabric.trace();
        }
        final QueuePair broken = fabric.faults().breakRandomQp().orElseThrow();
        fabric.runUntilQuiet(100_000);
        final List<String> trace = new ArrayList<>(fabric.trace());
        trace.add("broke qp" + broken.qpNum());
        return trace;
    }

    @Test
    void theSameSeedGivesTheSameTrace() throws Exception {
        final List<String> first = workload(42, true);
        final List<String> second = workload(42, true);
        assertTrue(first.size() > 50, "a real workload: " + first.size() + " events");
        assertEquals(first, second);
    }

    @Test
    void anotherSeedGivesAnotherInterleaving() throws Exception {
        final List<String> a = workload(42, false);
        final List<String> b = workload(43, false);
        assertEquals(a.size(), b.size(), "the same events");
        assertNotEquals(a, b);
        // the difference is the order of the same work: the WR lines are a permutation of each other
        final List<String> wrLinesA = a.stream().filter(l -> l.contains(" wr=")).sorted().toList();
        final List<String> wrLinesB = b.stream().filter(l -> l.contains(" wr=")).sorted().toList();
        assertEquals(wrLinesA, wrLinesB);
    }

    @Test
    void traceLinesDescribeEvents() throws Exception {
        final Conn c = Conn.stepped();
        final List<String> t = c.fabric.trace();
        assertTrue(t.get(0).matches("t=0 CM#1 request client -> server: to listener on server"), t.get(0));
        assertTrue(t.get(1).startsWith("t=0 CM#1 Established ep1 qp"), t.get(1));
        final SimMr mr = c.clientPd.allocFastRegMr(1);
        c.clientQp.postSend(new SendWr.LocalInv(5, true, mr.rkey()));
        c.settle();
        final List<String> after = c.fabric.trace();
        assertEquals("t=0 ep0 qp1 LOCAL_INV wr=5 rkey=0x00000100 -> SUCCESS", after.get(after.size() - 1));
    }
}
