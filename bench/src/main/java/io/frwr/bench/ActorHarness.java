package io.frwr.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** One ActorSystem for a benchmark trial or a measurement main: spawn actors and ask them from plain code. */
public final class ActorHarness implements AutoCloseable {
    /** Generous: only a hang guard, never what is measured. */
    public static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private final ActorSystem<SpawnProtocol.Command> system;

    public ActorHarness(String name, String config) {
        final Config c = ConfigFactory.parseString(config).withFallback(ConfigFactory.load());
        this.system = ActorSystem.create(SpawnProtocol.create(), name, c);
    }

    public ActorHarness(String name) {
        this(name, "");
    }

    public ActorSystem<SpawnProtocol.Command> system() {
        return system;
    }

    public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return ask(system, replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo));
    }

    /** Ask and wait for the reply, bounded by {@link #ASK_TIMEOUT}. */
    public <Req, Res> Res ask(ActorRef<Req> target, Function<ActorRef<Res>, Req> message) {
        try {
            return AskPattern.ask(target, message::apply, ASK_TIMEOUT, system.scheduler()).toCompletableFuture()
                    .get(ASK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + target, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no reply from " + target + " within " + ASK_TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("actor system " + system.name() + " did not terminate", e);
        }
    }
}
