package io.frwr.verbs;

import java.util.List;

/**
 * A completion queue. Consumers poll in batches; to wait, they arm {@link #requestNotify()} and poll once
 * more before sleeping, since a completion may arrive between the last poll and the arm.
 */
public interface CompletionQueue {
    /** {@return how many completions the CQ holds before it overflows} */
    int capacity();

    /** Move up to {@code max} completions into {@code into}; returns how many. Never blocks. */
    int poll(List<WorkCompletion> into, int max);

    /**
     * The handler runs once, on a provider thread, at the next completion after {@link #requestNotify()}.
     * It should only hand the news on (tell an actor); it must not poll or post itself.
     */
    void setNotificationHandler(Runnable handler);

    /** Arm for one notification (ib_req_notify_cq). */
    void requestNotify();
}
