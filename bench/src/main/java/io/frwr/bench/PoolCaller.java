package io.frwr.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.frwr.actors.MrPool;

import java.util.concurrent.CompletableFuture;

/**
 * Async driver of the MrPool actor: keeps {@code inflight} single-MR acquisitions outstanding; each Acquired
 * is answered with a Release of the same MR and the next Acquire, as a per-chunk caller does.
 */
final class PoolCaller extends AbstractBehavior<PoolCaller.Command> {
    interface Command { }

    record Run(int calls, int inflight, CompletableFuture<Integer> done) implements Command { }

    private record Reply(MrPool.AcquireReply reply) implements Command { }

    private final ActorRef<MrPool.Command> pool;
    private final ActorRef<MrPool.AcquireReply> adapter;
    private CallWindow window;
    private long correlation;

    private PoolCaller(ActorContext<Command> ctx, ActorRef<MrPool.Command> pool) {
        super(ctx);
        this.pool = pool;
        this.adapter = ctx.messageAdapter(MrPool.AcquireReply.class, Reply::new);
    }

    static Behavior<Command> create(ActorRef<MrPool.Command> pool) {
        return Behaviors.setup(ctx -> new PoolCaller(ctx, pool));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Run.class, this::onRun)
                .onMessage(Reply.class, this::onReply)
                .build();
    }

    private Behavior<Command> onRun(Run r) {
        window = new CallWindow(r.calls(), r.inflight(), r.done());
        for (int i = window.opening(); i > 0; i--) {
            acquire();
        }
        return this;
    }

    private Behavior<Command> onReply(Reply m) {
        if (m.reply() instanceof MrPool.Acquired got) {
            pool.tell(MrPool.Release.unmapped(got.mrs()));
            if (window.finishOne()) {
                acquire();
            }
        } else if (m.reply() instanceof MrPool.AcquireRefused refused) {
            window.fail("MR pool refused: " + refused.reason());
        }
        return this;
    }

    private void acquire() {
        pool.tell(new MrPool.Acquire(++correlation, 1, adapter));
    }
}
