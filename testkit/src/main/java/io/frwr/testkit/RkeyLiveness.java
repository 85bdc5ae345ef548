package io.frwr.testkit;

import io.frwr.verbs.sim.SimDevice;

import java.lang.reflect.Method;

/**
 * Asks the simulated device whether a remote access with exactly this rkey would still find a valid MR
 * ({@code SimDevice.isRkeyLive}). Looked up reflectively so the kit also runs against a fabric build that
 * predates that method; then {@link #available()} is false and the early-release check is skipped.
 */
final class RkeyLiveness {
    private static final Method IS_RKEY_LIVE = find();

    private RkeyLiveness() {
    }

    private static Method find() {
        try {
            return SimDevice.class.getMethod("isRkeyLive", int.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    static boolean available() {
        return IS_RKEY_LIVE != null;
    }

    static boolean isLive(SimDevice device, int rkey) {
        if (IS_RKEY_LIVE == null) {
            return false;
        }
        try {
            return (Boolean) IS_RKEY_LIVE.invoke(device, rkey);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("SimDevice.isRkeyLive failed", e);
        }
    }
}
