package io.frwr.invariants;

import io.frwr.verbs.sim.SimDevice;

import java.util.function.IntPredicate;

/**
 * Asks the device that owns some memory whether a peer could still use an rkey. Two facts, because "handed back
 * too early" means reachable: an rkey that is still live (its deregistration failed) but whose protection domain
 * has no QP left that a peer could target is safe to hand back, and the message still says it is live.
 */
public interface RkeyProbe {
    /** A remote access with exactly this rkey (index and key byte) would find a valid MR. */
    boolean isLive(int rkey);

    /** Live, and some QP of the MR's protection domain is in RTR or RTS: a peer can reach the memory now. */
    boolean isReachable(int rkey);

    /** The simulated device's own answers ({@link SimDevice#isRkeyLive}, {@link SimDevice#isRkeyReachable}). */
    static RkeyProbe of(SimDevice device) {
        return of(device::isRkeyLive, device::isRkeyReachable);
    }

    /** {@return a probe made of two predicates, for devices other than the simulated one} */
    static RkeyProbe of(IntPredicate live, IntPredicate reachable) {
        return new RkeyProbe() {
            @Override
            public boolean isLive(int rkey) {
                return live.test(rkey);
            }

            @Override
            public boolean isReachable(int rkey) {
                return reachable.test(rkey);
            }
        };
    }
}
