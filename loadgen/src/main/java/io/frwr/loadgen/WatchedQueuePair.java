package io.frwr.loadgen;

import io.frwr.verbs.ForwardingQueuePair;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.SendWr;

import java.util.List;

/**
 * A QP that shows each chain to the watch's {@link CallBook} before posting it, reports refused posts to its
 * {@link SendQueueWatch}, and otherwise is the QP it wraps.
 */
final class WatchedQueuePair extends ForwardingQueuePair {
    private final SendQueueWatch watch;

    WatchedQueuePair(QueuePair qp, SendQueueWatch watch) {
        super(qp);
        this.watch = watch;
    }

    @Override
    public void postSend(List<? extends SendWr> chain) throws PostSendException {
        final CallBook book = watch.book();
        if (book != null) {
            book.posting(chain);
        }
        try {
            delegate.postSend(chain);
        } catch (PostSendException e) {
            watch.countPostFailure(e);
            throw e;
        }
    }
}
