package io.frwr.testkit;

import io.frwr.verbs.Errno;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sequence of faults for the simulated fabric, composed with {@link #then} and printed by {@link #toString}
 * as the Java expression that builds it again, so a failing run can be replayed:
 * <pre>{@code
 * FaultScript.breakQpNow().then(FaultScript.failNextPosts(3, Errno.ENOMEM)).then(FaultScript.breakQpAfter(10))
 * }</pre>
 * {@link FrwrTestKit#inject} applies the steps in order at quiescent points. A step that breaks a QP waits
 * until the transport has a connection that no earlier step broke, so "break, then break after 10 WRs" hits
 * the first connection and then the reconnected one. Every other step applies as soon as its turn comes.
 */
public final class FaultScript {
    private static final int MAX_COUNT = 1000;
    private static final int MAX_WRS = 1_000_000;
    private static final Duration MAX_DELAY = Duration.ofSeconds(10);

    /** One fault; {@link #needsConnection()} steps wait for a connection no earlier step broke. */
    public sealed interface Step {
        /** {@return whether this step waits for a connection (it acts on a live QP)} */
        default boolean needsConnection() {
            return false;
        }
    }

    /** The client's QP goes to ERROR now (a link failure). */
    public record BreakQpNow() implements Step {
        public boolean needsConnection() {
            return true;
        }

        @Override
        public String toString() {
            return "breakQpNow()";
        }
    }

    /** The client's QP goes to ERROR after {@code wrs} more of its send WRs executed. */
    public record BreakQpAfter(int wrs) implements Step {
        public boolean needsConnection() {
            return true;
        }

        @Override
        public String toString() {
            return "breakQpAfter(" + wrs + ")";
        }
    }

    /** One QP in RTS, either end, chosen by the fabric's seeded random, goes to ERROR. */
    public record BreakRandomQp() implements Step {
        public boolean needsConnection() {
            return true;
        }

        @Override
        public String toString() {
            return "breakRandomQp()";
        }
    }

    /** The next {@code count} post_send calls of the client fail with {@code errno} (ENOMEM or EAGAIN). */
    public record FailNextPosts(int count, Errno errno) implements Step {
        @Override
        public String toString() {
            return "failNextPosts(" + count + ", Errno." + errno + ")";
        }
    }

    /** The next {@code count} MR allocations of the client fail with ENOMEM. */
    public record FailNextAllocs(int count) implements Step {
        @Override
        public String toString() {
            return "failNextAllocs(" + count + ")";
        }
    }

    /** The next {@code count} MR deregistrations of the client fail with EBUSY. */
    public record FailNextDeregs(int count) implements Step {
        @Override
        public String toString() {
            return "failNextDeregs(" + count + ")";
        }
    }

    /** The next {@code count} connect attempts to the responder are rejected. */
    public record RejectNextConnects(int count) implements Step {
        @Override
        public String toString() {
            return "rejectNextConnects(" + count + ")";
        }
    }

    /** Every client send WR posted from now on completes {@code nanos} later (virtual time); 0 ends it. */
    public record DelayCompletions(long nanos) implements Step {
        @Override
        public String toString() {
            return "delayCompletions(Duration.ofNanos(" + nanos + "))";
        }
    }

    /** Every post_send of the client fails with {@code errno} until {@link StopFailing}. */
    public record FailPostsForever(Errno errno) implements Step {
        @Override
        public String toString() {
            return "failPostsForever(Errno." + errno + ")";
        }
    }

    /** Every MR allocation of the client fails with ENOMEM until {@link StopFailing}. */
    public record FailAllocsForever() implements Step {
        @Override
        public String toString() {
            return "failAllocsForever()";
        }
    }

    /** Every MR deregistration of the client fails with EBUSY until {@link StopFailing}. */
    public record FailDeregsForever() implements Step {
        @Override
        public String toString() {
            return "failDeregsForever()";
        }
    }

    /** Every connect attempt to the responder is rejected until {@link StopFailing}. */
    public record RejectConnectsForever() implements Step {
        @Override
        public String toString() {
            return "rejectConnectsForever()";
        }
    }

    /** Ends every post, alloc and dereg failure and connect reject still pending, forever or counted. */
    public record StopFailing() implements Step {
        @Override
        public String toString() {
            return "stopFailing()";
        }
    }

    /**
     * The next {@code count} send-queue drains of the client (ib_drain_sq before a reconnect) move the QP to
     * ERROR but never deliver the marker: the transport learns nothing of its unsignaled WRs and must end
     * the drain by its timeout.
     */
    public record LoseNextDrainMarkers(int count) implements Step {
        @Override
        public String toString() {
            return "loseNextDrainMarkers(" + count + ")";
        }
    }

    private final List<Step> steps;

    private FaultScript(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The empty script: no fault (the identity of {@link #then}). */
    public static FaultScript none() {
        return new FaultScript(List.of());
    }

    /** A script of one step, for steps built directly. */
    public static FaultScript of(Step step) {
        return new FaultScript(List.of(step));
    }

    /** Break the client's connection now (see {@link BreakQpNow}). */
    public static FaultScript breakQpNow() {
        return of(new BreakQpNow());
    }

    /** Break the client's connection after {@code wrs} more send WRs executed. */
    public static FaultScript breakQpAfter(int wrs) {
        checkRange("breakQpAfter wrs", wrs, 0, MAX_WRS);
        return of(new BreakQpAfter(wrs));
    }

    /** Break one connected QP of either end, chosen by the fabric's seed. */
    public static FaultScript breakRandomQp() {
        return of(new BreakRandomQp());
    }

    /** Fail the next {@code count} post_send calls of the client with {@code errno}. */
    public static FaultScript failNextPosts(int count, Errno errno) {
        checkRange("failNextPosts count", count, 1, MAX_COUNT);
        if (errno != Errno.ENOMEM && errno != Errno.EAGAIN) {
            throw new IllegalArgumentException("failNextPosts errno must be ENOMEM or EAGAIN (what post_send "
                    + "returns for a full provider queue), was " + errno);
        }
        return of(new FailNextPosts(count, errno));
    }

    /** Fail the next {@code count} MR allocations of the client. */
    public static FaultScript failNextAllocs(int count) {
        checkRange("failNextAllocs count", count, 1, MAX_COUNT);
        return of(new FailNextAllocs(count));
    }

    /** Fail the next {@code count} MR deregistrations of the client. */
    public static FaultScript failNextDeregs(int count) {
        checkRange("failNextDeregs count", count, 1, MAX_COUNT);
        return of(new FailNextDeregs(count));
    }

    /** Reject the next {@code count} connect attempts to the server. */
    public static FaultScript rejectNextConnects(int count) {
        checkRange("rejectNextConnects count", count, 1, MAX_COUNT);
        return of(new RejectNextConnects(count));
    }

    /** Make every client send WR complete {@code delay} later (a slow HCA); ZERO ends it. */
    public static FaultScript delayCompletions(Duration delay) {
        if (delay == null || delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delayCompletions must be 0.." + MAX_DELAY.toMillis()
                    + " ms, was " + delay);
        }
        return of(new DelayCompletions(delay.toNanos()));
    }

    /** Every post_send fails with {@code errno} (ENOMEM or EAGAIN) until {@link #stopFailing()}. */
    public static FaultScript failPostsForever(Errno errno) {
        if (errno != Errno.ENOMEM && errno != Errno.EAGAIN) {
            throw new IllegalArgumentException("failPostsForever errno must be ENOMEM or EAGAIN, was " + errno);
        }
        return of(new FailPostsForever(errno));
    }

    /** Every MR allocation fails until {@link #stopFailing()}: recovery cannot replace an MR. */
    public static FaultScript failAllocsForever() {
        return of(new FailAllocsForever());
    }

    /** Every MR deregistration fails until {@link #stopFailing()}: an MR that needs one stays reachable. */
    public static FaultScript failDeregsForever() {
        return of(new FailDeregsForever());
    }

    /** Every connect attempt is rejected until {@link #stopFailing()}: reconnecting exhausts its budget. */
    public static FaultScript rejectConnectsForever() {
        return of(new RejectConnectsForever());
    }

    /** Ends the failures above (and what is left of counted ones), so a test can check the transport heals. */
    public static FaultScript stopFailing() {
        return of(new StopFailing());
    }

    /** The next {@code count} drain markers are lost (see {@link LoseNextDrainMarkers}). */
    public static FaultScript loseNextDrainMarkers(int count) {
        checkRange("loseNextDrainMarkers count", count, 1, MAX_COUNT);
        return of(new LoseNextDrainMarkers(count));
    }

    /** This script's steps, then {@code next}'s. */
    public FaultScript then(FaultScript next) {
        final List<Step> all = new ArrayList<>(steps);
        all.addAll(next.steps);
        return new FaultScript(all);
    }

    /** The steps, in the order they apply. */
    public List<Step> steps() {
        return steps;
    }

    /** True for a script without steps. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Zero to four faults chosen by {@code seed}: QP breaks now or after a few WRs, failed posts, allocs and
     * deregs, rejected connects, slow completions. Counts stay small enough that the transport recovers
     * within its default retry and reconnect limits, so every call must still end.
     */
    public static FaultScript random(long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        FaultScript s = none();
        final int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            s = s.then(switch (r.nextInt(8)) {
                case 0 -> breakQpNow();
                case 1, 2 -> breakQpAfter(r.nextInt(40));
                case 3 -> failNextPosts(1 + r.nextInt(3), r.nextBoolean() ? Errno.ENOMEM : Errno.EAGAIN);
                case 4 -> failNextAllocs(1 + r.nextInt(2));
                case 5 -> failNextDeregs(1 + r.nextInt(2));
                case 6 -> rejectNextConnects(1 + r.nextInt(2));
                default -> delayCompletions(Duration.ofNanos(1_000L * (1 + r.nextInt(2000))));
            });
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultScript f && f.steps.equals(steps);
    }

    @Override
    public int hashCode() {
        return steps.hashCode();
    }

    /** A Java expression that builds this script again. */
    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return "FaultScript.none()";
        }
        final StringBuilder sb = new StringBuilder("FaultScript.").append(steps.get(0));
        for (int i = 1; i < steps.size(); i++) {
            sb.append(".then(FaultScript.").append(steps.get(i)).append(')');
        }
        return sb.toString();
    }

    private static void checkRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
