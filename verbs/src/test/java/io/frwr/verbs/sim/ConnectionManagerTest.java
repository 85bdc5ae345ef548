package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionManagerTest {

    private static ConnectParams params(SimDevice d, Duration timeout, String privateData) throws VerbsException {
        return new ConnectParams(d.allocPd(), d.createCq(64), d.createCq(64), 8, 8,
                privateData == null ? null : privateData.getBytes(), timeout);
    }

    @Test
    void establishedAtBothSidesWithTheOtherSidesPrivateDataAndQpsInRts() throws Exception {
        final Conn c = Conn.stepped();
        final CmEvent.Established atClient = (CmEvent.Established) c.clientEvents.get(0);
        final CmEvent.Established atServer = (CmEvent.Established) c.serverEvents.get(0);
        assertArrayEquals("from-server".getBytes(), atClient.privateData());
        assertArrayEquals("from-client".getBytes(), atServer.privateData());
        final List<QpState> path = List.of(QpState.RESET, QpState.INIT, QpState.RTR, QpState.RTS);
        assertEquals(path, c.clientQp.stateHistory());
        assertEquals(path, c.serverQp.stateHistory());
        assertEquals(c.serverQp, c.clientQp.peer());
        assertEquals(c.client, c.clientQp.device());
        assertEquals(1, c.fabric.stats().connectsEstablished());
        assertEquals(2, c.fabric.queuePairs().size());
    }

    @Test
    void nothingHappensBeforeStepInSteppedMode() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        final List<ConnectRequest> requests = new ArrayList<>();
        b.connectionManager().listen("b", requests::add);
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("b", params(a, null, null), events::add);
        assertTrue(requests.isEmpty());
        assertEquals(1, f.pendingEvents());
        assertTrue(f.step());
        assertEquals(1, requests.size());
        assertEquals("a", requests.get(0).remoteAddress());
        assertTrue(events.isEmpty(), "the listener has not answered");
        requests.get(0).accept(params(b, null, null), e -> { });
        assertTrue(events.isEmpty());
        assertEquals(2, f.runUntilQuiet(100));
        assertTrue(events.get(0) instanceof CmEvent.Established);
        assertTrue(!f.step());
    }

    @Test
    void aListenerMayReject() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        f.endpoint("b").connectionManager().listen("b", req -> req.reject("go away".getBytes()));
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("b", params(a, null, null), events::add);
        f.runUntilQuiet(100);
        assertEquals(1, events.size());
        final CmEvent.Rejected r = (CmEvent.Rejected) events.get(0);
        assertArrayEquals("go away".getBytes(), r.privateData());
        assertEquals(1, f.stats().connectsRejected());
        assertTrue(f.queuePairs().isEmpty());
    }

    @Test
    void injectedRejectsWinOverTheListenerAndCountDown() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        b.connectionManager().listen("b", req -> {
            try {
                req.accept(params(b, null, null), e -> { });
            } catch (VerbsException e) {
                throw new AssertionError(e);
            }
        });
        f.faults().rejectNextConnects("b", 2);
        final List<CmEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            a.connectionManager().connect("b", params(a, null, null), events::add);
            f.runUntilQuiet(100);
        }
        assertTrue(events.get(0) instanceof CmEvent.Rejected);
        assertTrue(events.get(1) instanceof CmEvent.Rejected);
        assertTrue(events.get(2) instanceof CmEvent.Established);
    }

    @Test
    void noListenerIsConnectionRefused() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("nobody", params(a, null, null), events::add);
        f.runUntilQuiet(100);
        assertEquals(Errno.ECONNREFUSED, ((CmEvent.ConnectError) events.get(0)).errno());
    }

    @Test
    void aClosedListenerRefusesAndItsAddressCanBeReused() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        final var l = b.connectionManager().listen("b", req -> req.reject(null));
        assertEquals(Errno.EBUSY, assertThrows(VerbsException.class,
                () -> a.connectionManager().listen("b", req -> { })).errno());
        l.close();
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("b", params(a, null, null), events::add);
        f.runUntilQuiet(100);
        assertTrue(events.get(0) instanceof CmEvent.ConnectError);
        b.connectionManager().listen("b", req -> { }).close();
    }

    @Test
    void anUnansweredRequestTimesOutInVirtualTime() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        final AtomicReference<ConnectRequest> pending = new AtomicReference<>();
        b.connectionManager().listen("b", pending::set);
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("b", params(a, Duration.ofMillis(3), null), events::add);
        f.runUntilQuiet(100);
        assertEquals(Errno.ETIMEDOUT, ((CmEvent.ConnectError) events.get(0)).errno());
        assertEquals(3_000_000, f.nowNanos());
        assertEquals(Errno.ETIMEDOUT, assertThrows(VerbsException.class,
                () -> pending.get().accept(params(b, null, null), e -> { })).errno());
    }

    @Test
    void anAnsweredRequestLeavesNoTimerBehind() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        b.connectionManager().listen("b", req -> req.reject(null));
        a.connectionManager().connect("b", params(a, Duration.ofSeconds(30), null), e -> { });
        f.runUntilQuiet(100);
        assertEquals(0, f.nowNanos(), "the timeout was cancelled, virtual time did not jump");
        assertEquals(0, f.pendingEvents());
    }

    @Test
    void parametersTheDeviceCannotHonourAreEinval() throws Exception {
        final SimFabric f = Conn.stepped(1);
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        final List<CmEvent> events = new ArrayList<>();
        final ConnectParams tooDeep = new ConnectParams(a.allocPd(), a.createCq(8), a.createCq(8), 1_000_000, 8,
                null, null);
        a.connectionManager().connect("b", tooDeep, events::add);
        final ConnectParams foreignCq = new ConnectParams(a.allocPd(), b.createCq(8), a.createCq(8), 8, 8, null,
                null);
        a.connectionManager().connect("b", foreignCq, events::add);
        assertTrue(events.isEmpty(), "never inside connect()");
        f.runUntilQuiet(100);
        assertEquals(Errno.EINVAL, ((CmEvent.ConnectError) events.get(0)).errno());
        assertEquals(Errno.EINVAL, ((CmEvent.ConnectError) events.get(1)).errno());
    }

    @Test
    void disconnectGivesDisconnectedAtBothSidesAndFlushesThePeer() throws Exception {
        final Conn c = Conn.stepped();
        c.postRecv(c.serverQp, 1, Conn.map(c.server, 8), 0, 8);
        c.clientQp.disconnect();
        c.clientQp.disconnect(); // idempotent
        c.settle();
        assertEquals(QpState.ERROR, c.serverQp.state());
        assertEquals(List.of(WcStatus.WR_FLUSH_ERR), Conn.statuses(Conn.drain(c.serverRecvCq)));
        assertEquals(2, c.clientEvents.size());
        assertEquals(2, c.serverEvents.size());
        assertEquals(c.clientQp, ((CmEvent.Disconnected) c.clientEvents.get(1)).qp());
        assertEquals(c.serverQp, ((CmEvent.Disconnected) c.serverEvents.get(1)).qp());
    }

    @Test
    void closingADeviceDisconnectsItsQps() throws Exception {
        final Conn c = Conn.stepped();
        c.server.close();
        c.settle();
        assertEquals(QpState.ERROR, c.clientQp.state());
        assertTrue(c.clientEvents.get(1) instanceof CmEvent.Disconnected);
        assertEquals(Errno.ENODEV, assertThrows(VerbsException.class, c.server::allocPd).errno());
    }
}
