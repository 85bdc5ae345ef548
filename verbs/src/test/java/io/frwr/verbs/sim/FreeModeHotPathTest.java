package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FREE mode's hot path allocates the payload copy and the completion record, and nothing else. */
class FreeModeHotPathTest {

    @Test
    void aWriteAllocatesLittleMoreThanItsPayloadCopy() throws Exception {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
                || !mx.isThreadAllocatedMemorySupported()) {
            return; // no allocation counter on this JVM
        }
        try (SimFabric fabric = SimFabric.builder().build()) {
            final Conn c = new Conn(fabric, "c", "s", 64, 64);
            final DmaBuffer mem = Conn.map(c.client, 4096);
            final SimMr mr = c.register(c.clientQp, mem, 0, 4096, ALL, 1);
            final DmaBuffer src = Conn.map(c.server, 64);
            final SendWr signaled = Conn.write(1, true, src, 64, mem.address(), mr.rkey());
            final SendWr unsignaled = Conn.write(2, false, src, 64, mem.address(), mr.rkey());
            final List<WorkCompletion> out = new ArrayList<>(1024);
            final long tid = Thread.currentThread().getId();
            long perWr = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                final int n = 100_000;
                final long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < n; i++) {
                    c.serverQp.postSend(i % 8 == 7 ? signaled : unsignaled);
                    if (i % 8 == 7) {
                        out.clear();
                        c.serverSendCq.poll(out, 64);
                    }
                }
                perWr = Math.min(perWr, (mx.getThreadAllocatedBytes(tid) - before) / n);
            }
            // byte[64] is 80 bytes; a WorkCompletion every 8th WR adds ~5
            assertTrue(perWr <= 120, perWr + " bytes allocated per WR");
            assertEquals(0, c.serverQp.outstandingSends() % 8);
        }
    }
}
