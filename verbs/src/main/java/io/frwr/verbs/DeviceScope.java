package io.frwr.verbs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices one owner (an ActorSystem's extension) opened through a provider, closed together when the owner
 * goes. Opening the same name twice gives the same device. Where a provider can give an owner a world of its
 * own (the simulated fabric), a scope that is not {@code shared} is one: its devices see only each other.
 */
public interface DeviceScope extends AutoCloseable {
    /** The device of that name in this scope, opened on first use. */
    RdmaDevice open(String device) throws VerbsException;

    /** Closes what this scope owns; devices opened through it fail from then on. Idempotent. */
    @Override
    void close();

    /**
     * A scope over {@code provider}'s devices as {@link VerbsProvider#open} gives them; {@link #close} closes each
     * device it opened. Right for real NICs, where every open is the owner's own handle.
     */
    static DeviceScope of(VerbsProvider provider) {
        return new DeviceScope() {
            private final Map<String, RdmaDevice> opened = new LinkedHashMap<>();
            private boolean closed;

            @Override
            public synchronized RdmaDevice open(String device) throws VerbsException {
                if (closed) {
                    throw new VerbsException(Errno.ENODEV, "the device scope of provider " + provider.name()
                            + " is closed");
                }
                RdmaDevice d = opened.get(device);
                if (d == null) {
                    d = provider.open(device);
                    opened.put(device, d);
                }
                return d;
            }

            @Override
            public void close() {
                final List<RdmaDevice> toClose;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    toClose = new ArrayList<>(opened.values());
                }
                for (RdmaDevice d : toClose) {
                    d.close();
                }
            }
        };
    }
}
