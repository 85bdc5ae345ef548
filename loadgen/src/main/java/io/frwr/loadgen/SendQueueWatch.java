package io.frwr.loadgen;

import io.frwr.verbs.Errno;
import io.frwr.verbs.ForwardingRdmaDevice;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RdmaDevice;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requester's device, seen through a watch on post_send: every QP the connection manager hands out
 * is wrapped so that a post refused with ENOMEM (send queue full) is counted, unless the provider marked the
 * failure as injected. The transport promises never to post more WRs than the send queue holds, FAST_REG and
 * LOCAL_INV included; this is how the load generator checks that promise without reaching into the transport.
 * With a {@link CallBook}, every chain is shown to it before it is posted. Everything else passes through.
 */
public final class SendQueueWatch extends ForwardingRdmaDevice {
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong otherPostFailures = new AtomicLong();
    private final AtomicLong injectedPostFailures = new AtomicLong();
    private final Map<QueuePair, QueuePair> watched = new ConcurrentHashMap<>();
    private final CallBook book;

    /** Watches {@code device}'s QPs for posts the send queue refused, without a call book. */
    public SendQueueWatch(RdmaDevice device) {
        this(device, null);
    }

    SendQueueWatch(RdmaDevice device, CallBook book) {
        super(device);
        this.book = book;
    }

    /** The book the posts feed, or null where it is not kept (no rkey probe on this provider). */
    CallBook book() {
        return book;
    }

    /** post_send calls refused with ENOMEM and not injected: the send queue would have overflowed. */
    public long overflows() {
        return overflows.get();
    }

    /** post_send calls refused for another reason (ENOTCONN after a QP error, EAGAIN, EINVAL). */
    public long otherPostFailures() {
        return otherPostFailures.get();
    }

    /** post_send calls the provider refused on purpose (fault injection), whatever their errno. */
    public long injectedPostFailures() {
        return injectedPostFailures.get();
    }

    void countPostFailure(PostSendException e) {
        (e.injected() ? injectedPostFailures : e.errno() == Errno.ENOMEM ? overflows : otherPostFailures)
                .incrementAndGet();
    }

    /** The same wrapper for the same QP, so that Established and Disconnected name one object. */
    @Override
    protected QueuePair wrap(QueuePair qp) {
        return watched.computeIfAbsent(qp, q -> new WatchedQueuePair(q, this));
    }

    /** A disconnected QP is done: forget it, so a long run with many reconnects holds no dead wrappers. */
    @Override
    protected QueuePair wrapDisconnected(QueuePair qp) {
        final QueuePair w = watched.remove(qp);
        return w != null ? w : qp;
    }
}
