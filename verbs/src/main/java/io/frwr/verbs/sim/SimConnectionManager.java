package io.frwr.verbs.sim;

import io.frwr.verbs.CmEventHandler;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;
import io.frwr.verbs.Errno;
import io.frwr.verbs.VerbsException;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The connection manager of one endpoint. Addresses are fabric-wide strings; by convention an endpoint
 * listens at its own name. Every outcome reaches the handler asynchronously: on the fabric thread in FREE
 * mode, inside step() in STEPPED mode, never inside connect() itself.
 *
 * <ul>
 *   <li>Accepted: both QPs go RESET, INIT, RTR, RTS; Established at the server, then at the client, each with
 *   the other side's private data.</li>
 *   <li>Rejected: by the listener's handler, or by {@link SimFaults#rejectNextConnects} (which wins over a
 *   listener).</li>
 *   <li>ConnectError: ECONNREFUSED without a listener; EINVAL for parameters this endpoint cannot create a QP
 *   with (PD or CQ of another device, more WRs than max_qp_wr); ETIMEDOUT if {@code params.timeout()} passes
 *   before the listener answers.</li>
 *   <li>Disconnected: after disconnect(), moveToError() or any error of either QP, at both ends, once; it is
 *   delivered only after every flush completion of both QPs has been generated, so a drain may end on it.</li>
 * </ul>
 */
public final class SimConnectionManager implements ConnectionManager {
    private final SimDevice device;

    SimConnectionManager(SimDevice device) {
        this.device = device;
    }

    /** EBUSY if something already listens at {@code address}; ENODEV once the endpoint is closed. */
    @Override
    public Listener listen(String address, Consumer<ConnectRequest> handler) throws VerbsException {
        if (address == null || address.isEmpty() || handler == null) {
            throw new VerbsException(Errno.EINVAL, "listen needs an address and a handler");
        }
        final SimFabric fabric = device.fabric();
        fabric.lock.lock();
        try {
            device.checkOpen();
            return fabric.addListener(new SimListener(fabric, device, address, handler));
        } finally {
            fabric.lock.unlock();
        }
    }

    @Override
    public void connect(String address, ConnectParams params, CmEventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        final SimFabric fabric = device.fabric();
        fabric.lock.lock();
        try {
            new SimConnection(fabric, fabric.newConnId(), device, address, params, handler).start();
        } finally {
            fabric.unlockAndNotify();
        }
    }
}
