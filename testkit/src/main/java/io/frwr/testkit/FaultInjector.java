package io.frwr.testkit;

import io.frwr.verbs.Errno;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFaults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Applies {@link FaultScript} steps in order, each as soon as its turn comes and its connection exists. */
final class FaultInjector {
    private final SimFaults faults;
    private final SimDevice client;
    private final String serverAddress;
    private final Supplier<List<QueuePair>> clientQps;
    private final ObservedDevice observed;
    private final ArrayDeque<FaultScript.Step> pending = new ArrayDeque<>();
    private final List<FaultScript.Step> applied = new ArrayList<>();
    private final Set<QueuePair> broken = new HashSet<>();

    FaultInjector(SimFaults faults, SimDevice client, String serverAddress, ObservedDevice observed) {
        this.faults = faults;
        this.client = client;
        this.serverAddress = serverAddress;
        this.clientQps = observed::queuePairs;
        this.observed = observed;
    }

    synchronized void add(FaultScript script) {
        pending.addAll(script.steps());
    }

    synchronized List<FaultScript.Step> applied() {
        return List.copyOf(applied);
    }

    synchronized List<FaultScript.Step> pending() {
        return List.copyOf(pending);
    }

    /** Called by the kit at quiescent points; returns true if a step was applied. */
    synchronized boolean applyReady() {
        boolean any = false;
        while (!pending.isEmpty()) {
            final FaultScript.Step step = pending.peek();
            QueuePair target = null;
            if (step.needsConnection()) {
                target = freshQp();
                if (target == null) {
                    return any;
                }
                broken.add(target);
            }
            pending.poll();
            apply(step, target);
            applied.add(step);
            any = true;
        }
        return any;
    }

    private QueuePair freshQp() {
        for (QueuePair qp : clientQps.get()) {
            if (qp.state() == QpState.RTS && !broken.contains(qp)) {
                return qp;
            }
        }
        return null;
    }

    private void apply(FaultScript.Step step, QueuePair qp) {
        if (step instanceof FaultScript.BreakQpNow) {
            faults.breakQp(qp);
        } else if (step instanceof FaultScript.BreakQpAfter s) {
            faults.breakQpAfter(qp, s.wrs());
        } else if (step instanceof FaultScript.BreakRandomQp) {
            faults.breakRandomQp();
        } else if (step instanceof FaultScript.FailNextPosts s) {
            faults.failNextPosts(client, s.count(), s.errno());
        } else if (step instanceof FaultScript.FailNextAllocs s) {
            faults.failNextAllocs(client, s.count());
        } else if (step instanceof FaultScript.FailNextDeregs s) {
            faults.failNextDeregs(client, s.count());
        } else if (step instanceof FaultScript.RejectNextConnects s) {
            faults.rejectNextConnects(serverAddress, s.count());
        } else if (step instanceof FaultScript.DelayCompletions s) {
            faults.delayCompletions(client, s.nanos());
        } else if (step instanceof FaultScript.FailPostsForever s) {
            faults.failNextPosts(client, Integer.MAX_VALUE, s.errno());
        } else if (step instanceof FaultScript.FailAllocsForever) {
            faults.failNextAllocs(client, Integer.MAX_VALUE);
        } else if (step instanceof FaultScript.FailDeregsForever) {
            faults.failNextDeregs(client, Integer.MAX_VALUE);
        } else if (step instanceof FaultScript.RejectConnectsForever) {
            faults.rejectNextConnects(serverAddress, Integer.MAX_VALUE);
        } else if (step instanceof FaultScript.StopFailing) {
            faults.failNextPosts(client, 0, Errno.ENOMEM);
            faults.failNextAllocs(client, 0);
            faults.failNextDeregs(client, 0);
            faults.rejectNextConnects(serverAddress, 0);
        } else if (step instanceof FaultScript.LoseNextDrainMarkers s) {
            observed.loseNextDrainMarkers(s.count());
        }
    }
}
