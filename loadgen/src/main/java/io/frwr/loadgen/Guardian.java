package io.frwr.loadgen;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The load generator's ActorSystem, driven from the main thread: a SpawnProtocol guardian so the run can
 * spawn the transport, client, responder and workers in order, and blocking asks for the replies it waits on.
 */
final class Guardian implements AutoCloseable {
    private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(30);

    final ActorSystem<SpawnProtocol.Command> system;

    Guardian(String name, Config config) {
        this.system = ActorSystem.create(SpawnProtocol.create(), name, config);
    }

    <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return ask(system, (ActorRef<ActorRef<T>> r) -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), r),
                SPAWN_TIMEOUT);
    }

    /** Ask and wait; a missing reply is an {@link IllegalStateException} naming what was asked. */
    <M, R> R ask(ActorRef<M> target, Function<ActorRef<R>, M> message, Duration timeout) {
        return ask(target, message, timeout, "reply from " + target.path().name());
    }

    <M, R> R ask(ActorRef<M> target, Function<ActorRef<R>, M> message, Duration timeout, String what) {
        try {
            return AskPattern.ask(target, message::apply, timeout, system.scheduler()).toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no " + what + " within " + DurationArg.format(timeout), e);
        }
    }

    /** Terminate the system and wait for it, so nothing of it outlives the run. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the ActorSystem did not terminate within 30s", e);
        }
    }
}
