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
            finish(State.REJECTED);
            fabric.traceAppend(": rejected (injected)");
            fabric.deliver(clientHandler, new CmEvent.Rejected("connection to " + address
                    + " rejected (injected fault)", new byte[0]));
            return;
        }
        final SimListener l = fabric.listenerAt(address);
        if (l == null) {
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
