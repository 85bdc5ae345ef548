package io.frwr.verbs.sim;

import io.frwr.verbs.DeviceScope;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.VerbsProvider;

/**
 * {@code provider = sim}: {@link #open} gives endpoints of one free-running fabric shared by the whole JVM, so a
 * transport and a responder opened by name in the same process reach each other. A scope that is not shared
 * ({@link #scope}, what an ActorSystem's extension asks for by default) is a free-running fabric of its own,
 * closed with the scope. Tests that want their own fabric (a seed, stepping, costs) build one with
 * {@link SimFabric#builder()} instead.
 */
public final class SimVerbsProvider implements VerbsProvider {
    private static final class Shared {
        static final SimFabric FABRIC = SimFabric.builder().seed(0L).mode(SimMode.FREE).build();
    }

    @Override
    public String name() {
        return "sim";
    }

    /** The endpoint of that name on the JVM-wide fabric, created on first use. */
    @Override
    public RdmaDevice open(String device) {
        return Shared.FABRIC.endpoint(device);
    }

    /**
     * Shared: the JVM-wide fabric's endpoints, left open when the scope closes (others use them). Otherwise a
     * fabric of the scope's own, seed 0, free-running; closing the scope closes it.
     */
    @Override
    public DeviceScope scope(boolean shared) {
        final SimFabric fabric = shared ? Shared.FABRIC : SimFabric.builder().seed(0L).mode(SimMode.FREE).build();
        return new DeviceScope() {
            @Override
            public RdmaDevice open(String device) throws VerbsException {
                if (fabric.isClosed()) {
                    throw new VerbsException(io.frwr.verbs.Errno.ENODEV, "the simulated fabric is closed");
                }
                return fabric.endpoint(device);
            }

            @Override
            public void close() {
                if (!shared) {
                    fabric.close();
                }
            }

            @Override
            public String toString() {
                return shared ? "the JVM-wide simulated fabric" : "a simulated fabric of its own";
            }
        };
    }
}
