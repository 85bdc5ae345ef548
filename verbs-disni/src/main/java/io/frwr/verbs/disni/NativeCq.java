package io.frwr.verbs.disni;

import java.io.IOException;
import java.util.List;

/** The seam over one DiSNI CQ and its completion channel, as the poller thread uses it. */
interface NativeCq extends AutoCloseable {
    /** ibv_poll_cq: appends up to {@code max} completions, returns how many. */
    int poll(List<NativeCompletion> into, int max) throws IOException;

    /** ibv_req_notify_cq(solicited_only = 0). */
    void arm() throws IOException;

    /** Block until the armed CQ signals an event or {@code timeoutMs} passes; acks the event. */
    void awaitEvent(int timeoutMs) throws IOException;

    @Override
    void close();
}
