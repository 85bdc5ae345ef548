package io.frwr.testkit;

import io.frwr.verbs.Errno;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFaults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Holds, slows or fails the MR allocations and deregistrations of one transport's device, as a busy or broken
 * HCA firmware would: recovery and shutdown must wait for them without blocking an actor and without losing
 * the MR. Held calls are parked on the recovery thread that made them; the kit counts a parked call as
 * "waiting" (like a retry timer), so {@code runUntilQuiet()} returns instead of waiting for it.
 *
 * <p>A slow call takes manual time: it returns once {@link FrwrTestKit#advance} moved the clock past its
 * due time. {@link #unblock()} releases every held call; {@link FrwrTestKit#close()} does it first, so a
 * held dereg never deadlocks close.
 *
 * <p>The permanent failures ({@link #failAllocs()}, {@link #failDeregs()}, {@link #failPosts}) are the
 * fabric's own injected faults with no end, so they are reported and marked as injected like any other.
 */
public final class DeviceControl {
    /** Which device call a hold applies to. */
    enum Kind { ALLOC, DEREG }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Parked> parked = new ArrayList<>();
    private final SimFaults faults;
    private final SimDevice device;
    private final LongSupplier manualMillis;
    private boolean blockAllocs;
    private boolean blockDeregs;
    private long slowAllocMillis;
    private long slowDeregMillis;
    private long released;

    /** One call parked in {@link #pass}; {@code dueMillis} &lt; 0 means held until {@link #unblock()}. */
    private static final class Parked {
        final long dueMillis;
        boolean free;

        Parked(long dueMillis) {
            this.dueMillis = dueMillis;
        }
    }

    DeviceControl(SimFaults faults, SimDevice device, LongSupplier manualMillis) {
        this.faults = faults;
        this.device = device;
        this.manualMillis = manualMillis;
    }

    /** Every deregMr from now on waits until {@link #unblock()}: a firmware command that never returns. */
    public void blockDeregs() {
        lock.lock();
        try {
            blockDeregs = true;
        } finally {
            lock.unlock();
        }
    }

    /** Every allocFastRegMr from now on waits until {@link #unblock()}. */
    public void blockAllocs() {
        lock.lock();
        try {
            blockAllocs = true;
        } finally {
            lock.unlock();
        }
    }

    /** Every deregMr from now on takes {@code d} of manual time (ZERO ends it); the kit's advance() lets it pass. */
    public void slowDeregs(Duration d) {
        final long ms = checked(d);
        lock.lock();
        try {
            slowDeregMillis = ms;
        } finally {
            lock.unlock();
        }
    }

    /** Every allocFastRegMr from now on takes {@code d} of manual time (ZERO ends it). */
    public void slowAllocs(Duration d) {
        final long ms = checked(d);
        lock.lock();
        try {
            slowAllocMillis = ms;
        } finally {
            lock.unlock();
        }
    }

    /** Ends blocking and slowness and releases every held call (calls already slowed return at once). */
    public void unblock() {
        lock.lock();
        try {
            blockAllocs = false;
            blockDeregs = false;
            slowAllocMillis = 0;
            slowDeregMillis = 0;
            for (Parked p : parked) {
                release(p);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every MR allocation fails with ENOMEM until {@link #stopFailing()}: the pool cannot heal by itself. */
    public void failAllocs() {
        faults.failNextAllocs(device, Integer.MAX_VALUE);
    }

    /** Every deregistration fails with EBUSY until {@link #stopFailing()}: the MR stays reachable. */
    public void failDeregs() {
        faults.failNextDeregs(device, Integer.MAX_VALUE);
    }

    /** Every post_send fails with {@code errno} (ENOMEM or EAGAIN) until {@link #stopFailing()}. */
    public void failPosts(Errno errno) {
        faults.failNextPosts(device, Integer.MAX_VALUE, Objects.requireNonNull(errno, "errno"));
    }

    /** Ends every injected post, alloc and dereg failure of this device, permanent or counted. */
    public void stopFailing() {
        faults.failNextPosts(device, 0, io.frwr.verbs.Errno.ENOMEM);
        faults.failNextAllocs(device, 0);
        faults.failNextDeregs(device, 0);
    }

    /** Calls held right now (blocked, or slowed and not yet due). */
    public int heldCalls() {
        lock.lock();
        try {
            return parked.size() - (int) parked.stream().filter(p -> p.free).count();
        } finally {
            lock.unlock();
        }
    }

    /** Calls that were held and have been let go, over the kit's life. */
    public long releasedCalls() {
        lock.lock();
        try {
            return released;
        } finally {
            lock.unlock();
        }
    }

    /** The kit moved manual time: let every slowed call that is now due go (counted before this returns). */
    void timeAdvanced() {
        lock.lock();
        try {
            final long now = manualMillis.getAsLong();
            for (Parked p : parked) {
                if (p.dueMillis >= 0 && p.dueMillis <= now) {
                    release(p);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called on the recovery thread before the device call; returns when the call may go ahead. */
    void pass(Kind kind) {
        lock.lock();
        try {
            final boolean blocked = kind == Kind.ALLOC ? blockAllocs : blockDeregs;
            final long slow = kind == Kind.ALLOC ? slowAllocMillis : slowDeregMillis;
            if (!blocked && slow == 0 || !Thread.currentThread().getName().startsWith(KitTransport.VERBS_THREAD)) {
                // Only recovery's verbs thread is held. A call an actor makes on the (single) dispatcher thread,
                // such as the pool allocating a replacement or destroying MRs at shutdown, would stop every actor
                // and with them the manual time that is to release it.
                return;
            }
            final Parked p = new Parked(blocked ? -1 : manualMillis.getAsLong() + slow);
            parked.add(p);
            try {
                while (!p.free) {
                    changed.await(10, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the transport is stopping: let the call go
            } finally {
                release(p);
                parked.remove(p);
            }
        } finally {
            lock.unlock();
        }
    }

    private void release(Parked p) {
        if (!p.free) {
            p.free = true;
            released++;
        }
    }

    private static long checked(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("a slow-down must be a non-negative duration, was " + d);
        }
        return d.toMillis();
    }
}
