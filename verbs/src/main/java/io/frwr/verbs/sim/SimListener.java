package io.frwr.verbs.sim;

import io.frwr.verbs.ConnectRequest;
import io.frwr.verbs.ConnectionManager;

import java.util.function.Consumer;

/** A listening address; its handler runs on the fabric thread (FREE) or inside step() (STEPPED). */
final class SimListener implements ConnectionManager.Listener {
    private final SimFabric fabric;
    final SimDevice device;
    final String address;
    final Consumer<ConnectRequest> handler;

    SimListener(SimFabric fabric, SimDevice device, String address, Consumer<ConnectRequest> handler) {
        this.fabric = fabric;
        this.device = device;
        this.address = address;
        this.handler = handler;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void close() {
        fabric.lock.lock();
        try {
            fabric.removeListener(this);
        } finally {
            fabric.lock.unlock();
        }
    }
}
