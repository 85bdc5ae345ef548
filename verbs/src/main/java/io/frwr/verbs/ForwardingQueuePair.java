package io.frwr.verbs;

import java.util.List;

/**
 * A QueuePair that forwards every call to another; subclass it to watch or alter some of them. The
 * single-WR {@code postSend} is deliberately not forwarded: the SPI's default sends it through
 * {@link #postSend(List)}, so overriding that one method sees every post.
 */
public class ForwardingQueuePair implements QueuePair {
    /** The QP every call goes to unless a subclass overrides it. */
    protected final QueuePair delegate;

    /** Forwards every call to {@code delegate}. */
    public ForwardingQueuePair(QueuePair delegate) {
        this.delegate = delegate;
    }

    /** {@return the wrapped QP} */
    public QueuePair delegate() {
        return delegate;
    }

    @Override
    public int qpNum() {
        return delegate.qpNum();
    }

    @Override
    public QpState state() {
        return delegate.state();
    }

    @Override
    public int sendQueueCapacity() {
        return delegate.sendQueueCapacity();
    }

    @Override
    public int recvQueueCapacity() {
        return delegate.recvQueueCapacity();
    }

    @Override
    public CompletionQueue sendCq() {
        return delegate.sendCq();
    }

    @Override
    public CompletionQueue recvCq() {
        return delegate.recvCq();
    }

    @Override
    public void postSend(List<? extends SendWr> chain) throws PostSendException {
        delegate.postSend(chain);
    }

    @Override
    public void postRecv(RecvWr wr) throws VerbsException {
        delegate.postRecv(wr);
    }

    @Override
    public void moveToError() {
        delegate.moveToError();
    }

    @Override
    public void drainSendQueue(long markerWrId) {
        delegate.drainSendQueue(markerWrId);
    }

    @Override
    public void disconnect() {
        delegate.disconnect();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
