package io.frwr.verbs.sim;

import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.Segment;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import io.frwr.verbs.WorkCompletion;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryMappingTest {

    @Test
    void buffersGetPageAlignedDisjointAddressesThatResolveToThem() throws Exception {
        final SimFabric fabric = Conn.stepped(1);
        final SimDevice dev = fabric.endpoint("a");
        final DmaBuffer a = Conn.map(dev, 100);
        final DmaBuffer b = Conn.map(dev, 5000);
        final DmaBuffer c = Conn.map(dev, 4096);
        for (DmaBuffer x : List.of(a, b, c)) {
            assertEquals(0, x.address() % 4096, x + " is page aligned");
            assertSame(dev, x.owner());
        }
        assertTrue(a.address() + a.length() <= b.address() && b.address() + b.length() <= c.address());
        assertEquals(Optional.of(a), dev.resolve(a.address() + 99));
        assertEquals(Optional.of(b), dev.resolve(b.address() + 4096)); // second page of b
        assertEquals(Optional.empty(), dev.resolve(a.address() + 4096), "guard page after a");
        assertEquals(Optional.empty(), dev.resolve(c.address() + 4096), "guard page after c");
    }

    @Test
    void eachEndpointHasItsOwnAddressSpace() throws Exception {
        final SimFabric fabric = Conn.stepped(1);
        final SimDevice a = fabric.endpoint("a");
        final SimDevice b = fabric.endpoint("b");
        final DmaBuffer ba = Conn.map(a, 64);
        final DmaBuffer bb = Conn.map(b, 64);
        assertNotEquals(ba.address(), bb.address());
        assertEquals(Optional.empty(), b.resolve(ba.address()));
        assertEquals(Optional.empty(), a.resolve(bb.address()));
    }

    @Test
    void heapReadOnlyAndDoubleMappingsAreRefused() throws Exception {
        final SimDevice dev = Conn.stepped(1).endpoint("a");
        final VerbsException heap = assertThrows(VerbsException.class, () -> dev.mapBuffer(ByteBuffer.allocate(64)));
        assertEquals(Errno.EINVAL, heap.errno());
        assertTrue(heap.getMessage().contains("heap ByteBuffer"), heap.getMessage());
        assertTrue(heap.getMessage().contains("allocateDirect"), heap.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(VerbsException.class,
                () -> dev.mapBuffer(ByteBuffer.allocateDirect(64).asReadOnlyBuffer())).errno());
        final ByteBuffer direct = ByteBuffer.allocateDirect(64);
        dev.mapBuffer(direct);
        assertEquals(Errno.EBUSY, assertThrows(VerbsException.class, () -> dev.mapBuffer(direct)).errno());
    }

    @Test
    void unmappedMemoryIsGoneForResolve() throws Exception {
        final SimDevice dev = Conn.stepped(1).endpoint("a");
        final DmaBuffer a = Conn.map(dev, 64);
        dev.unmapBuffer(a);
        assertEquals(Optional.empty(), dev.resolve(a.address()));
        dev.unmapBuffer(a); // idempotent
        final SimDevice other = dev.fabric().endpoint("b");
        assertThrows(IllegalArgumentException.class, () -> other.unmapBuffer(Conn.map(dev, 8)));
    }

    @Test
    void aLocalSgeOfAnotherDevicesBufferIsALocalProtectionError() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer serverMem = Conn.map(c.server, 16);
        final DmaBuffer serverRecv = Conn.map(c.server, 16);
        c.postRecv(c.serverQp, 1, serverRecv, 0, 16);
        c.clientQp.postSend(new SendWr.Send(7, true, List.of(new Segment(serverMem, 0, 16))));
        c.settle();
        final List<WorkCompletion> wcs = Conn.drain(c.clientSendCq);
        assertEquals(List.of(WcStatus.LOC_PROT_ERR), Conn.statuses(wcs));
        assertEquals(WcStatus.WR_FLUSH_ERR, Conn.drain(c.serverRecvCq).get(0).status(), "peer flushed");
    }

    @Test
    void aLocalSgeOfAnUnmappedBufferIsALocalProtectionError() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer src = Conn.map(c.client, 16);
        final DmaBuffer dst = Conn.map(c.server, 16);
        final SimMr mr = c.register(c.serverQp, dst, 0, 16, ALL, 1);
        c.client.unmapBuffer(src);
        c.clientQp.postSend(Conn.write(1, true, src, 16, dst.address(), mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.LOC_PROT_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
    }

    @Test
    void remoteAccessToMemoryUnmappedUnderAValidMrIsRefused() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer target = Conn.map(c.server, Conn.pattern(32, 3));
        final SimMr mr = c.register(c.serverQp, target, 0, 32, ALL, 1);
        c.server.unmapBuffer(target);
        final DmaBuffer sink = Conn.map(c.client, 32);
        c.clientQp.postSend(Conn.read(1, sink, 32, target.address(), mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.UNMAPPED));
        assertArrayEquals(new byte[32], Conn.bytes(sink, 0, 32));
    }
}
