package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.WireMessage.Cm;
import io.frwr.verbs.sim.WireMessage.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CM MADs the fabric reports to its wire tap: what a capture needs to pair the two QPs of a connection. */
class CmWireTapTest {
    private final List<WireMessage> wire = new CopyOnWriteArrayList<>();

    private SimFabric tappedFabric() {
        return SimFabric.builder().seed(7).mode(SimMode.STEPPED).wireTap(wire::add).build();
    }

    private static ConnectParams params(SimDevice d, Duration timeout, String privateData) throws VerbsException {
        return new ConnectParams(d.allocPd(), d.createCq(64), d.createCq(64), 8, 8,
                privateData == null ? null : privateData.getBytes(), timeout);
    }

    private List<Kind> kinds() {
        return wire.stream().map(WireMessage::kind).toList();
    }

    @Test
    void anAcceptedConnectIsReqRepRtuNamingBothQpsUnderOneTransaction() throws Exception {
        final Conn c = new Conn(tappedFabric());
        assertEquals(List.of(Kind.CM_REQ, Kind.CM_REP, Kind.CM_RTU), kinds());
        final WireMessage req = wire.get(0);
        final WireMessage rep = wire.get(1);
        final WireMessage rtu = wire.get(2);
        final int client = c.client.endpointId();
        final int server = c.server.endpointId();

        assertEquals(List.of(client, server, client), List.of(req.srcEndpoint(), rep.srcEndpoint(),
                rtu.srcEndpoint()));
        assertEquals(List.of(server, client, server), List.of(req.dstEndpoint(), rep.dstEndpoint(),
                rtu.dstEndpoint()));
        for (WireMessage m : wire) {
            assertEquals(WireMessage.GSI_QPN, m.srcQpn(), m + " comes from QP1");
            assertEquals(WireMessage.GSI_QPN, m.dstQpn(), m + " goes to QP1");
            assertTrue(m.kind().isCm());
            assertEquals(req.cm().transactionId(), m.cm().transactionId(), "REP and RTU answer the REQ's TID");
        }
        assertEquals(c.clientQp.qpNum(), req.cm().localQpn());
        assertEquals(c.serverQp.qpNum(), rep.cm().localQpn());
        assertEquals(c.clientQp.qpNum(), rep.cm().remoteQpn());
        assertEquals(0, req.cm().remoteCommId(), "the REQ does not know the server's comm ID yet");
        assertEquals(req.cm().localCommId(), rep.cm().remoteCommId());
        assertEquals(rep.cm().localCommId(), rtu.cm().remoteCommId());
        assertEquals(req.cm().localCommId(), rtu.cm().localCommId());
        assertNotEquals(req.cm().localCommId(), rep.cm().localCommId());
        assertEquals(SimConnection.startingPsn(c.clientQp.qpNum()), req.cm().startingPsn());
        assertEquals(SimConnection.startingPsn(c.serverQp.qpNum()), rep.cm().startingPsn());
        assertArrayEquals("from-client".getBytes(), req.payload());
        assertArrayEquals("from-server".getBytes(), rep.payload());
        assertArrayEquals(new byte[0], rtu.payload());
    }

    @Test
    void disconnectIsDreqFromTheDisconnectingSideAndDrepBack() throws Exception {
        final Conn c = new Conn(tappedFabric());
        wire.clear();
        c.serverQp.disconnect();
        c.settle();
        assertEquals(List.of(Kind.CM_DREQ, Kind.CM_DREP), kinds());
        final Cm dreq = wire.get(0).cm();
        final Cm drep = wire.get(1).cm();
        assertEquals(c.server.endpointId(), wire.get(0).srcEndpoint());
        assertEquals(c.client.endpointId(), wire.get(1).srcEndpoint());
        assertEquals(c.clientQp.qpNum(), dreq.remoteQpn(), "a DREQ names the QP it disconnects");
        assertEquals(dreq.transactionId(), drep.transactionId());
        assertEquals(dreq.localCommId(), drep.remoteCommId());
        assertEquals(dreq.remoteCommId(), drep.localCommId());
        c.clientQp.disconnect();
        c.settle();
        assertEquals(2, wire.size(), "one DREQ/DREP per connection");
    }

    @Test
    void aBrokenQpSendsNoCmMessageButAClosingDeviceDoes() throws Exception {
        final Conn broken = new Conn(tappedFabric());
        wire.clear();
        broken.fabric.faults().breakQp(broken.clientQp);
        broken.settle();
        assertTrue(broken.clientEvents.get(1) instanceof CmEvent.Disconnected);
        assertEquals(List.of(), kinds(), "a QP error is not a CM exchange");

        final Conn closing = new Conn(tappedFabric());
        wire.clear();
        closing.client.close();
        closing.settle();
        assertEquals(List.of(Kind.CM_DREQ, Kind.CM_DREP), kinds());
        assertEquals(closing.client.endpointId(), wire.get(0).srcEndpoint());
    }

    @Test
    void aListenersRejectIsReqAndConsumerRejWithItsPrivateData() throws Exception {
        final SimFabric f = tappedFabric();
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        b.connectionManager().listen("b", req -> req.reject("go away".getBytes()));
        a.connectionManager().connect("b", params(a, null, "hello"), e -> { });
        f.runUntilQuiet(100);
        assertEquals(List.of(Kind.CM_REQ, Kind.CM_REJ), kinds());
        final WireMessage rej = wire.get(1);
        assertEquals(b.endpointId(), rej.srcEndpoint());
        assertEquals(a.endpointId(), rej.dstEndpoint());
        assertEquals(Cm.REJ_CONSUMER, rej.cm().rejectReason());
        assertEquals(wire.get(0).cm().localCommId(), rej.cm().remoteCommId());
        assertEquals(wire.get(0).cm().transactionId(), rej.cm().transactionId());
        assertArrayEquals("go away".getBytes(), rej.payload());
        assertArrayEquals("hello".getBytes(), wire.get(0).payload());
        assertEquals(0, wire.get(0).cm().localQpn(), "no client QP was ever created");
    }

    @Test
    void noListenerIsRejectedForItsServiceIdByTheAddressedEndpoint() throws Exception {
        final SimFabric f = tappedFabric();
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        a.connectionManager().connect("b", params(a, null, null), e -> { });
        a.connectionManager().connect("nowhere", params(a, null, null), e -> { });
        f.runUntilQuiet(100);
        assertEquals(List.of(Kind.CM_REQ, Kind.CM_REJ), kinds(), "an unknown address puts nothing on the wire");
        assertEquals(b.endpointId(), wire.get(1).srcEndpoint());
        assertEquals(Cm.REJ_INVALID_SERVICE_ID, wire.get(1).cm().rejectReason());
        assertEquals(0, wire.get(1).cm().localCommId(), "the refusing CM kept no state for the request");
    }

    @Test
    void injectedRejectsAndUnansweredRequestsShowTheirReq() throws Exception {
        final SimFabric f = tappedFabric();
        final SimDevice a = f.endpoint("a");
        final SimDevice b = f.endpoint("b");
        final AtomicReference<ConnectRequest> pending = new AtomicReference<>();
        b.connectionManager().listen("b", pending::set);
        f.faults().rejectNextConnects("b", 1);
        final List<CmEvent> events = new ArrayList<>();
        a.connectionManager().connect("b", params(a, null, null), events::add);
        f.runUntilQuiet(100);
        a.connectionManager().connect("b", params(a, Duration.ofMillis(1), null), events::add);
        f.runUntilQuiet(100);
        assertTrue(events.get(0) instanceof CmEvent.Rejected);
        assertTrue(events.get(1) instanceof CmEvent.ConnectError);
        assertEquals(List.of(Kind.CM_REQ, Kind.CM_REJ, Kind.CM_REQ), kinds());
        assertEquals(Cm.REJ_CONSUMER, wire.get(1).cm().rejectReason());
        assertNotEquals(wire.get(0).cm().transactionId(), wire.get(2).cm().transactionId());
        assertEquals(1_000_000, wire.get(2).timeNanos(), "the lone REQ is reported when the attempt times out");
    }

    @Test
    void rcTransfersCarryNoCmFieldsAndCmMessagesNeedThem() throws Exception {
        final Conn c = new Conn(tappedFabric());
        wire.clear();
        c.postRecv(c.serverQp, 1, Conn.map(c.server, 8), 0, 8);
        c.clientQp.postSend(Conn.send(1, true, Conn.map(c.client, 8), 8));
        c.settle();
        assertEquals(List.of(Kind.SEND, Kind.ACK), kinds());
        assertNull(wire.get(0).cm());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireMessage.cmMad(0, 0, 1, Kind.SEND, new Cm(1, 1, 0, 2, 0, 0, 0), null));
        assertTrue(e.getMessage().contains("CM_REQ .. CM_DREP"), e.getMessage());
    }
}
