package io.frwr.verbs.sim;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.CmEventHandler;

import java.util.ArrayDeque;

/** Connection-manager events of one connection (or one timer), in order. */
final class SimCmLane extends SimLane {
    private final SimFabric fabric;
    private final ArrayDeque<Task> tasks = new ArrayDeque<>();
    private long lastDue;

    /** {@code underLock} runs inside the event; {@code handler} gets {@code event} after the fabric unlocks. */
    private record Task(long due, String text, Runnable underLock, CmEventHandler handler, CmEvent event) {
    }

    SimCmLane(SimFabric fabric) {
        super(fabric.newLaneId());
        this.fabric = fabric;
    }

    void add(long due, String text, Runnable underLock) {
        add(due, text, underLock, null, null);
    }

    void deliver(long due, String text, CmEventHandler handler, CmEvent event) {
        add(due, text, null, handler, event);
    }

    private void add(long due, String text, Runnable underLock, CmEventHandler handler, CmEvent event) {
        due = Math.max(due, lastDue);
        lastDue = due;
        tasks.add(new Task(due, text, underLock, handler, event));
        fabric.activate(this);
    }

    void clear() {
        tasks.clear();
        fabric.deactivateIfIdle(this);
    }

    @Override
    boolean hasWork() {
        return !tasks.isEmpty();
    }

    @Override
    long headDue() {
        return tasks.peek().due;
    }

    @Override
    int pendingCount() {
        return tasks.size();
    }

    @Override
    void runHead() {
        final Task t = tasks.poll();
        fabric.traceAppend(t.text);
        if (t.underLock != null) {
            t.underLock.run();
        }
        if (t.handler != null) {
            fabric.deliver(t.handler, t.event);
        }
    }
}
