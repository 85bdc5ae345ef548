package io.frwr.verbs.sim;

import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.Errno;
import io.frwr.verbs.RKey;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.frwr.verbs.sim.Conn.ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MrAllocationTest {

    @Test
    void maxPagesMustFitTheDevicesPageListDepth() throws Exception {
        final SimFabric fabric = SimFabric.builder().mode(SimMode.STEPPED)
                .attributes(new DeviceAttributes("sim", 4096, 8, 64, 100, false)).build();
        final SimProtectionDomain pd = fabric.endpoint("a").allocPd();
        assertEquals(8, pd.allocFastRegMr(8).maxPages());
        assertEquals(Errno.EINVAL, assertThrows(VerbsException.class, () -> pd.allocFastRegMr(9)).errno());
        assertEquals(Errno.EINVAL, assertThrows(VerbsException.class, () -> pd.allocFastRegMr(0)).errno());
    }

    @Test
    void theDeviceHoldsAtMostMaxMrMrs() throws Exception {
        final SimFabric fabric = SimFabric.builder().mode(SimMode.STEPPED)
                .attributes(new DeviceAttributes("sim", 4096, 8, 64, 3, false)).build();
        final SimProtectionDomain pd = fabric.endpoint("a").allocPd();
        final List<SimMr> mrs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mrs.add(pd.allocFastRegMr(1));
        }
        final VerbsException e = assertThrows(VerbsException.class, () -> pd.allocFastRegMr(1));
        assertEquals(Errno.ENOMEM, e.errno());
        pd.deregMr(mrs.get(0));
        pd.allocFastRegMr(1);
        final SimStats s = fabric.stats();
        assertEquals(4, s.mrsAllocated());
        assertEquals(1, s.mrsDeregistered());
        assertEquals(3, s.mrsLive());
        assertEquals(3, fabric.endpoint("a").liveMrCount());
    }

    @Test
    void rkeyIndicesStartAtOneAndAreNeverReused() throws Exception {
        final SimFabric fabric = Conn.stepped(1);
        final SimProtectionDomain pd = fabric.endpoint("a").allocPd();
        final SimMr first = pd.allocFastRegMr(1);
        assertEquals(1, first.index());
        assertEquals(RKey.of(1, 0), first.rkey());
        assertEquals(first.rkey(), first.lkey());
        pd.deregMr(first);
        final SimMr second = pd.allocFastRegMr(1);
        assertEquals(2, second.index(), "index 1 is not reused");
        assertEquals(1, fabric.endpoint("b").allocPd().allocFastRegMr(1).index(), "indices are per endpoint");
    }

    @Test
    void updateKeyChangesOnlyTheSoftwareCopy() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer target = Conn.map(c.server, Conn.pattern(64, 1));
        final SimMr mr = c.register(c.serverQp, target, 0, 64, ALL, 0x11);
        final int installed = mr.rkey();
        mr.updateKey(0x12);
        assertEquals(RKey.of(mr.index(), 0x12), mr.rkey());
        assertEquals(installed, mr.installedRkey(), "the hardware copy changes only when FAST_REG executes");
        assertTrue(mr.isValid());

        final DmaBuffer sink = Conn.map(c.client, 64);
        c.clientQp.postSend(Conn.read(1, sink, 64, target.address(), installed));
        c.settle();
        assertEquals(List.of(WcStatus.SUCCESS), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertArrayEquals(Conn.pattern(64, 1), Conn.bytes(sink, 0, 64));

        c.clientQp.postSend(Conn.read(2, sink, 64, target.address(), mr.rkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.KEY_MISMATCH));
    }

    @Test
    void deregWorksInAnyStateAndTheRkeyDiesAtOnce() throws Exception {
        final Conn c = Conn.stepped();
        final DmaBuffer target = Conn.map(c.server, Conn.pattern(64, 5));
        final SimMr valid = c.register(c.serverQp, target, 0, 64, ALL, 3);
        final SimMr neverRegistered = c.serverPd.allocFastRegMr(1);
        c.serverPd.deregMr(neverRegistered);
        c.serverPd.deregMr(valid); // still registered: no LOCAL_INV first
        assertTrue(valid.isDeregistered());
        assertFalse(valid.isValid());
        assertEquals(Errno.EINVAL, assertThrows(VerbsException.class, () -> c.serverPd.deregMr(valid)).errno());
        assertThrows(IllegalStateException.class, () -> valid.updateKey(4));

        final DmaBuffer sink = Conn.map(c.client, 64);
        c.clientQp.postSend(Conn.read(1, sink, 64, target.address(), valid.installedRkey()));
        c.settle();
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR), Conn.statuses(Conn.drain(c.clientSendCq)));
        assertEquals(1, c.fabric.stats().denied(SimStats.DenyReason.NO_SUCH_MR));
        assertArrayEquals(new byte[64], Conn.bytes(sink, 0, 64));
    }

    @Test
    void deregOfAnMrOfAnotherPdIsInvalid() throws Exception {
        final SimDevice dev = Conn.stepped(1).endpoint("a");
        final SimProtectionDomain pd1 = dev.allocPd();
        final SimProtectionDomain pd2 = dev.allocPd();
        final SimMr mr = pd1.allocFastRegMr(1);
        assertEquals(Errno.EINVAL, assertThrows(VerbsException.class, () -> pd2.deregMr(mr)).errno());
        pd1.deregMr(mr);
    }

    @Test
    void steppedModeCostsAdvanceVirtualTimeAndCountMrOps() throws Exception {
        final SimFabric fabric = SimFabric.builder().mode(SimMode.STEPPED)
                .costs(new SimCosts(1_000, 300, 0, 0, 0)).build();
        final SimProtectionDomain pd = fabric.endpoint("a").allocPd();
        final SimMr mr = pd.allocFastRegMr(1);
        assertEquals(1_000, fabric.nowNanos());
        pd.deregMr(mr);
        assertEquals(1_300, fabric.nowNanos());
        final SimStats s = fabric.stats();
        assertEquals(0, s.currentMrOps());
        assertEquals(1, s.maxConcurrentMrOps());
    }
}
