package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.VerbsException;

/**
 * One connection attempt and, once established, the connection. Its CM events travel in one lane, so that
 * they arrive in order: the request at the listener; then Established at the server, Established at the
 * client (the server hears first, so a server that posts its RECVs when accept() returns or on Established
 * has them in place before the client can send); later Disconnected at both, first at the QP whose error
 * came first, and only after both QPs' flush completions have been generated.
 *
 * <p>The {@link WireTap} sees the CM MADs a RoCE port would carry: REQ, REP and RTU when the listener accepts
 * (both QPs are RTS at that instant, so no data can precede them); REQ and REJ when the listener, an injected
 * fault or a missing listener refuses; a lone REQ when a listener never answers before the timeout; DREQ from the
 * side that calls disconnect() (or closes its device) and DREP back, at that instant. A QP that merely breaks
 * sends no CM message, as on hardware. REP, RTU and REJ reuse the REQ's transaction ID, as Wireshark expects
 * when it pairs the REQ's QP with the REP's.
 */
final class SimConnection {
    enum State { CONNECTING, REQUESTED, ESTABLISHED, REJECTED, FAILED, TIMED_OUT }

    private final SimFabric fabric;
    final long id;
    final SimDevice client;
    final String address;
    private final ConnectParams clientParams;
    private final CmEventHandler clientHandler;
    private final SimCmLane lane;
    private SimCmLane timeoutLane;

    // Guarded by the fabric lock.
    State state = State.CONNECTING;
    private SimListener listener;
    SimQueuePair clientQp;
    SimQueuePair serverQp;
    private CmEventHandler serverHandler;
    private boolean disconnectNotified;
    private SimQueuePair firstError;
    private boolean answered;

    SimConnection(SimFabric fabric, long id, SimDevice client, String address, ConnectParams clientParams,
                  CmEventHandler clientHandler) {
        this.fabric = fabric;
        this.id = id;
        this.client = client;
        this.address = address;
        this.clientParams = clientParams;
        this.clientHandler = clientHandler;
        this.lane = new SimCmLane(fabric);
    }

    /** Communication IDs of the two sides: unique per connection, never 0 (0 means "not known yet"). */
    private int clientCommId() {
        return (int) (id * 2 + 1);
    }

    private int serverCommId() {
        return (int) (id * 2 + 2);
    }

    private long connectTid() {
        return id * 2 + 1;
    }

    private long disconnectTid() {
        return id * 2 + 2;
    }

    /** The sim keeps no PSNs; a stable hash of the QP number gives each QP the random-looking start real QPs get. */
    static int startingPsn(int qpn) {
        int h = qpn * 0x9E3779B1;
        h ^= h >>> 16;
        return h & 0xFF_FFFF;
    }

    private void tapCm(SimDevice from, SimDevice to, WireMessage.Kind kind, WireMessage.Cm cm, byte[] privateData) {
        if (fabric.tapping()) {
            fabric.tap(WireMessage.cmMad(fabric.now(), from.endpointId(), to.endpointId(), kind, cm,
                    privateData.clone()));
        }
    }

    /**
     * The sim creates the client's QP only when the listener accepts, so the REQ is reported when the request is
     * answered, naming that QP; a REQ that is refused or never answered names QP 0, as no QP ever existed.
     */
    private void tapReq(SimDevice to, int clientQpn) {
        tapCm(client, to, WireMessage.Kind.CM_REQ, new WireMessage.Cm(connectTid(), clientCommId(), 0, clientQpn,
                0, clientQpn == 0 ? 0 : startingPsn(clientQpn), 0), clientParams.privateData());
    }

    private void tapRej(SimDevice from, int commId, int reason, byte[] privateData) {
        tapCm(from, client, WireMessage.Kind.CM_REJ, new WireMessage.Cm(connectTid(), commId, clientCommId(), 0, 0,
                0, reason), privateData);
    }

    private String tag() {
        return "CM#" + id + " ";
    }

    /** Called at connect() (fabric lock held). */
    void start() {
        final long now = fabric.now();
        final String bad = client.closed ? client.name() + " is closed" : client.validate(clientParams);
        if (bad != null) {
            state = State.FAILED;
            fabric.counters.connectsFailed++;
            final Errno errno = client.closed ? Errno.ENODEV : Errno.EINVAL;
            lane.deliver(now, tag() + "ConnectError " + errno + " at " + client.name(), clientHandler,
                    new CmEvent.ConnectError(errno, bad));
            return;
        }
        lane.add(now + fabric.costs.wireLatencyNanos(), tag() + "request " + client.name() + " -> " + address,
                this::requestArrives);
        if (clientParams.timeout() != null) {
            timeoutLane = new SimCmLane(fabric);
            final long t = clientParams.timeout().toNanos();
            timeoutLane.add(now + Math.max(t, 0), tag() + "timeout", this::timeout);
        }
    }

    private void requestArrives() {
        if (state != State.CONNECTING) {
            fabric.traceAppend(": attempt already over (" + state + ")");
            return;
        }
        if (fabric.faults.takeReject(address)) {
            final SimListener target = fabric.listenerAt(address);
            if (target != null) {
                tapReq(target.device, 0);
                tapRej(target.device, serverCommId(), WireMessage.Cm.REJ_CONSUMER, new byte[0]);
            }
            finish(State.REJECTED);
            fabric.traceAppend(": rejected (injected)");
            fabric.deliver(clientHandler, new CmEvent.Rejected("connection to " + address
                    + " rejected (injected fault)", new byte[0]));
            return;
        }
        final SimListener l = fabric.listenerAt(address);
        if (l == null) {
            final SimDevice target = endpointNamed(address);
            if (target != null) {
                // The endpoint's CM answers a REQ for a service nobody listens on; comm ID 0: it kept no state.
                tapReq(target, 0);
                tapRej(target, 0, WireMessage.Cm.REJ_INVALID_SERVICE_ID, new byte[0]);
            }
            finish(State.FAILED);
            fabric.traceAppend(": no listener");
            fabric.deliver(clientHandler, new CmEvent.ConnectError(Errno.ECONNREFUSED, "no listener at " + address));
            return;
        }
        state = State.REQUESTED;
        listener = l;
        final Request request = new Request();
        fabric.traceAppend(": to listener on " + l.device.name());
        fabric.later(() -> l.handler.accept(request));
    }

    private void timeout() {
        timeoutLane = null;
        if (state != State.CONNECTING && state != State.REQUESTED) {
            return;
        }
        if (state == State.REQUESTED) {
            tapReq(listener.device, 0); // it reached a listener that never answered
        }
        finish(State.TIMED_OUT);
        fabric.deliver(clientHandler, new CmEvent.ConnectError(Errno.ETIMEDOUT, "no answer from " + address
                + " within " + clientParams.timeout()));
    }

    /** The attempt is over without a connection. */
    private void finish(State s) {
        state = s;
        if (s == State.REJECTED) {
            fabric.counters.connectsRejected++;
        } else if (s != State.ESTABLISHED) {
            fabric.counters.connectsFailed++;
        }
        if (timeoutLane != null) {
            timeoutLane.clear();
            timeoutLane = null;
        }
    }

    /** Any error of either QP: both QPs go to ERROR (the QPs do that), both handlers hear Disconnected once. */
    void onQpError(SimQueuePair qp) {
        if (firstError == null) {
            firstError = qp;
            if (state == State.ESTABLISHED && sendsDreq(qp.errorCause())) {
                tapDisconnect(qp, qp == clientQp ? serverQp : clientQp);
            }
        }
        maybeDisconnected();
    }

    /**
     * Disconnected is queued only once both QPs are in ERROR and every flush completion of both has been
     * generated, so that a consumer that sees Disconnected knows that a WR still without a completion had
     * executed successfully (unsignaled). Called after every QP error and every flush.
     */
    void maybeDisconnected() {
        if (state != State.ESTABLISHED || disconnectNotified || firstError == null
                || clientQp.state() != QpState.ERROR || serverQp.state() != QpState.ERROR
                || clientQp.flushPending() || serverQp.flushPending()) {
            return;
        }
        disconnectNotified = true;
        final long now = fabric.now();
        final SimQueuePair other = firstError == clientQp ? serverQp : clientQp;
        lane.deliver(now, tag() + "Disconnected " + firstError.tracePrefix(), handlerOf(firstError),
                new CmEvent.Disconnected(firstError));
        lane.deliver(now, tag() + "Disconnected " + other.tracePrefix(), handlerOf(other),
                new CmEvent.Disconnected(other));
    }

    /** By convention an endpoint listens at its own name, so that is where a REQ for {@code name} goes. */
    private SimDevice endpointNamed(String name) {
        for (SimDevice d : fabric.endpoints()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * A QP that breaks (a NAK, an injected fault, a CQ overrun, moveToError) puts no CM message on a real wire;
     * rdma_disconnect does, and so does a CM whose device goes away with connections up. The causes are the
     * strings SimQueuePair.disconnect() and SimDevice.close() give.
     */
    static boolean sendsDreq(String errorCause) {
        return errorCause != null && (errorCause.equals("disconnect")
                || errorCause.startsWith("device ") && errorCause.endsWith(" closed"));
    }

    private void tapDisconnect(SimQueuePair first, SimQueuePair other) {
        if (!fabric.tapping()) {
            return;
        }
        final boolean clientFirst = first == clientQp;
        final int firstCommId = clientFirst ? clientCommId() : serverCommId();
        final int otherCommId = clientFirst ? serverCommId() : clientCommId();
        tapCm(first.device, other.device, WireMessage.Kind.CM_DREQ, new WireMessage.Cm(disconnectTid(), firstCommId,
                otherCommId, 0, other.qpNum(), 0, 0), new byte[0]);
        tapCm(other.device, first.device, WireMessage.Kind.CM_DREP, new WireMessage.Cm(disconnectTid(), otherCommId,
                firstCommId, 0, 0, 0, 0), new byte[0]);
    }

    private CmEventHandler handlerOf(SimQueuePair qp) {
        return qp == clientQp ? clientHandler : serverHandler;
    }

    /** What the listener's handler gets. */
    final class Request implements ConnectRequest {
        @Override
        public String remoteAddress() {
            return client.name();
        }

        @Override
        public byte[] privateData() {
            return clientParams.privateData().clone();
        }

        @Override
        public QueuePair accept(ConnectParams params, CmEventHandler handler) throws VerbsException {
            if (handler == null) {
                throw new VerbsException(Errno.EINVAL, "accept needs an event handler");
            }
            fabric.lock.lock();
            try {
                if (answered) {
                    throw new IllegalStateException("the connect request from " + client.name()
                            + " was already accepted or rejected");
                }
                if (state != State.REQUESTED) {
                    throw new VerbsException(state == State.TIMED_OUT ? Errno.ETIMEDOUT : Errno.ECONNREFUSED,
                            "the connect request from " + client.name() + " is no longer pending (" + state + ")");
                }
                final SimDevice server = listener.device;
                if (server.closed || client.closed) {
                    throw new VerbsException(Errno.ENODEV, "an endpoint of the connection is closed");
                }
                final String bad = server.validate(params);
                if (bad != null) {
                    throw new VerbsException(Errno.EINVAL, bad);
                }
                answered = true;
                clientQp = new SimQueuePair(fabric, client, clientParams, SimConnection.this);
                serverQp = new SimQueuePair(fabric, server, params, SimConnection.this);
                serverHandler = handler;
                for (QpState s : new QpState[] {QpState.INIT, QpState.RTR, QpState.RTS}) {
                    clientQp.modify(s);
                    serverQp.modify(s);
                }
                clientQp.peer = serverQp;
                serverQp.peer = clientQp;
                finish(State.ESTABLISHED);
                fabric.counters.connectsEstablished++;
                tapReq(server, clientQp.qpNum());
                tapCm(server, client, WireMessage.Kind.CM_REP, new WireMessage.Cm(connectTid(), serverCommId(),
                        clientCommId(), serverQp.qpNum(), clientQp.qpNum(), startingPsn(serverQp.qpNum()), 0),
                        params.privateData());
                tapCm(client, server, WireMessage.Kind.CM_RTU, new WireMessage.Cm(connectTid(), clientCommId(),
                        serverCommId(), 0, 0, 0, 0), new byte[0]);
                final long due = fabric.now() + fabric.costs.wireLatencyNanos();
                final byte[] serverPrivate = params.privateData().clone();
                lane.deliver(due, tag() + "Established " + serverQp.tracePrefix(), handler,
                        new CmEvent.Established(serverQp, clientParams.privateData().clone()));
                lane.deliver(due, tag() + "Established " + clientQp.tracePrefix(), clientHandler,
                        new CmEvent.Established(clientQp, serverPrivate));
                return serverQp;
            } finally {
                fabric.unlockAndNotify();
            }
        }

        @Override
        public void reject(byte[] privateData) {
            fabric.lock.lock();
            try {
                if (answered) {
                    throw new IllegalStateException("the connect request from " + client.name()
                            + " was already accepted or rejected");
                }
                answered = true;
                if (state != State.REQUESTED) {
                    return; // timed out meanwhile: the client already heard
                }
                finish(State.REJECTED);
                tapReq(listener.device, 0);
                tapRej(listener.device, serverCommId(), WireMessage.Cm.REJ_CONSUMER,
                        privateData == null ? new byte[0] : privateData);
                lane.deliver(fabric.now() + fabric.costs.wireLatencyNanos(), tag() + "Rejected by " + address,
                        clientHandler, new CmEvent.Rejected("rejected by the listener at " + address,
                                privateData == null ? new byte[0] : privateData.clone()));
            } finally {
                fabric.unlockAndNotify();
            }
        }

        @Override
        public String toString() {
            return "ConnectRequest[" + client.name() + " -> " + address + "]";
        }
    }
}
