package io.frwr.verbs.sim;

import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsProvider;

/**
 * {@code provider = sim}: endpoints of one free-running fabric shared by the whole JVM, so a transport and
 * a responder opened by name in the same process reach each other. Tests that want their own fabric (a
 * seed, stepping, costs) build one with {@link SimFabric#builder()} instead.
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
}
