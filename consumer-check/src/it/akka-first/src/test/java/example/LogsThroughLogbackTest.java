package example;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user's project: Akka declared before frwr-actors, the frwr BOM imported, logback as the binding. */
class LogsThroughLogbackTest {

    @Test
    void slf4jBindsToLogbackAndNothingElseIsOnTheClasspath() throws Exception {
        // slf4j-api 2.0 (the BOM's), not Akka's 1.7: 1.7 cannot see logback 1.5 and falls back to NOP.
        String api = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(api.contains("slf4j-api-2."), "slf4j-api on the classpath: " + api);
        assertInstanceOf(LoggerContext.class, LoggerFactory.getILoggerFactory(), "SLF4J is not bound to logback");

        // Looked up by name so that the check fails with a message, not a compile error, if 1.7 wins.
        Class<?> spi = assertDoesNotThrow(() -> Class.forName("org.slf4j.spi.SLF4JServiceProvider"),
                "slf4j-api 2.0 is not on the classpath");
        List<?> providers = ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(1, providers.size(), "SLF4J providers: " + providers);
        assertInstanceOf(LogbackServiceProvider.class, providers.get(0));

        // No 1.7-style binding (DiSNI's slf4j-log4j12), no log4j 1.2, no commons-cli.
        ClassLoader cl = getClass().getClassLoader();
        assertNull(cl.getResource("org/slf4j/impl/StaticLoggerBinder.class"), "an SLF4J 1.7 binding is on the classpath");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.log4j.Logger"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.commons.cli.Options"));

        // The transport and the DiSNI provider are there, and their loggers are logback's.
        Class.forName("io.frwr.actors.RdmaTransport", false, cl);
        Class.forName("com.ibm.disni.verbs.IbvContext", false, cl); // not initialized: no native library here
        Logger frwr = LoggerFactory.getLogger("io.frwr.actors.RdmaTransport");
        assertEquals("ch.qos.logback.classic.Logger", frwr.getClass().getName());
    }

    @Test
    void typedAndClassicAkkaLoggingReachLogback() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        @SuppressWarnings("unchecked") // the root logger of logback-classic attaches appenders of logging events
        AppenderAttachable<ILoggingEvent> root =
                (AppenderAttachable<ILoggingEvent>) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(captured);

        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            ctx.getLog().warn("typed actor logging reaches logback");
            return Behaviors.empty();
        }), "consumer");
        try {
            // Akka's own (classic) log goes through its Slf4jLogger actor: asynchronous.
            system.classicSystem().log().warning("classic Akka logging reaches logback");
            awaitEvent(captured, e -> e.getFormattedMessage().equals("typed actor logging reaches logback"));
            awaitEvent(captured, e -> e.getFormattedMessage().equals("classic Akka logging reaches logback"));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitEvent(ListAppender<ILoggingEvent> appender, Predicate<ILoggingEvent> which)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (appender.list) {
                if (appender.list.stream().anyMatch(which)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not logged through logback within 10 s; logged: " + appender.list);
    }
}
