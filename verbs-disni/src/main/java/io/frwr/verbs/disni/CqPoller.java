package io.frwr.verbs.disni;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The one thread of a CQ: poll a batch, hand each completion to its QP (which translates it and delivers
 * it to the consumer's queue, firing the notification), and when the CQ is empty arm it, poll once more
 * (a completion may land between the empty poll and the arm), then sleep on the completion channel.
 */
final class CqPoller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CqPoller.class);

    private final NativeCq cq;
    private final IntFunction<DisniQueuePair> qpByNum;
    private final int batch;
    private final int eventWaitMs;
    private final Thread thread;
    private volatile boolean running = true;

    CqPoller(String name, NativeCq cq, IntFunction<DisniQueuePair> qpByNum, int batch, int eventWaitMs) {
        this.cq = cq;
        this.qpByNum = qpByNum;
        this.batch = batch;
        this.eventWaitMs = eventWaitMs;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        final List<NativeCompletion> polled = new ArrayList<>(batch);
        boolean armed = false;
        while (running) {
            try {
                polled.clear();
                if (cq.poll(polled, batch) > 0) {
                    dispatch(polled);
                    armed = false;
                } else if (!armed) {
                    cq.arm();
                    armed = true;
                } else {
                    cq.awaitEvent(eventWaitMs);
                    armed = false;
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.error("CQ poller {} stops: {}", thread.getName(), e.toString());
                }
                return;
            }
        }
    }

    /** Route by qp_num; completions of a QP already destroyed are dropped. */
    void dispatch(List<NativeCompletion> polled) {
        for (int i = 0; i < polled.size(); i++) {
            final NativeCompletion nc = polled.get(i);
            final DisniQueuePair qp = qpByNum.apply(nc.qpNum());
            if (qp == null) {
                LOG.debug("completion for unknown QP 0x{} dropped", Integer.toHexString(nc.qpNum()));
            } else {
                qp.onNativeCompletion(nc);
            }
        }
    }

    /** Stop polling and wait (bounded by one event wait) for the thread to leave the native calls. */
    void stop() {
        running = false;
        try {
            thread.join(Math.max(1000L, 4L * eventWaitMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
