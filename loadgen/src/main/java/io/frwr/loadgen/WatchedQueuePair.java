package io.frwr.loadgen;

import io.frwr.verbs.CompletionQueue;
import io.frwr.verbs.PostSendException;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;

import java.util.List;

/** A QP that reports refused posts to its {@link SendQueueWatch} and otherwise is the QP it wraps. */
final class WatchedQueuePair implements QueuePair {
    private final QueuePair qp;
    private final SendQueueWatch watch;

    WatchedQueuePair(QueuePair qp, SendQueueWatch watch) {
        this.qp = qp;
        this.watch = watch;
    }

    @Override
    public int qpNum() {
        return qp.qpNum();
    }

    @Override
    public QpState state() {
        return qp.state();
    }

    @Override
    public int sendQueueCapacity() {
        return qp.sendQueueCapacity();
    }

    @Override
    public int recvQueueCapacity() {
        return qp.recvQueueCapacity();
    }

    @Override
    public CompletionQueue sendCq() {
        return qp.sendCq();
    }

    @Override
    public CompletionQueue recvCq() {
        return qp.recvCq();
    }

    @Override
    public void postSend(List<? extends SendWr> chain) throws PostSendException {
        try {
            qp.postSend(chain);
        } catch (PostSendException e) {
            watch.countPostFailure(e.errno());
            throw e;
        }
    }

    @Override
    public void postSend(SendWr wr) throws PostSendException {
        try {
            qp.postSend(wr);
        } catch (PostSendException e) {
            watch.countPostFailure(e.errno());
            throw e;
        }
    }

    @Override
    public void postRecv(RecvWr wr) throws VerbsException {
        qp.postRecv(wr);
    }

    @Override
    public void moveToError() {
        qp.moveToError();
    }

    @Override
    public void drainSendQueue(long markerWrId) {
        qp.drainSendQueue(markerWrId);
    }

    @Override
    public void disconnect() {
        qp.disconnect();
    }

    @Override
    public String toString() {
        return qp.toString();
    }
}
