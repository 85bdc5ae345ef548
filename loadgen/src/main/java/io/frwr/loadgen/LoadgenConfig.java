package io.frwr.loadgen;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.frwr.config.AcquireMode;
import io.frwr.config.RecoveryStrategy;
import io.frwr.config.TransportSettings;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.server.ResponderSettings;
import org.slf4j.LoggerFactory;

/** The ActorSystem, transport, client and responder settings a run's options imply. */
final class LoadgenConfig {
    /** The requester's receive queue (transport receive-queue.depth) bounds the credits either side grants. */
    static final int RECEIVE_QUEUE_DEPTH = 128;
    static final int MIN_CREDITS = 32;

    private LoadgenConfig() {
    }

    /** Akka logs through SLF4J/logback; WARN for akka and io.frwr unless --verbose. */
    static Config akka(boolean verbose) {
        final Level level = verbose ? Level.INFO : Level.WARN;
        for (String name : new String[] {"akka", "io.frwr"}) {
            if (LoggerFactory.getLogger(name) instanceof Logger logback) {
                logback.setLevel(level);
            }
        }
        return ConfigFactory.parseString("akka {\n"
                + " loglevel = " + (verbose ? "INFO" : "WARNING") + "\n"
                + " stdout-loglevel = WARNING\n"
                + " loggers = [\"akka.event.slf4j.Slf4jLogger\"]\n"
                + " logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"\n"
                + " log-dead-letters = " + (verbose ? "10" : "off") + "\n"
                + " log-dead-letters-during-shutdown = off\n"
                // --server-latency is an Akka timer in the responder: 10ms ticks would round 200us up to ~10ms.
                + " scheduler.tick-duration = 1ms\n"
                + "}\n").withFallback(ConfigFactory.load());
    }

    /**
     * The transport for a load run: reconnects quickly and without limit (faults are the point), and waits
     * up to 1s for an MR rather than failing at once, so pool pressure shows as latency, not as errors.
     */
    static TransportSettings transport(LoadgenOptions o) {
        final String conf = "frwr-transport {\n"
                + " provider = " + (o.provider() == LoadgenOptions.Provider.SIM ? "sim" : "disni") + "\n"
                + " mr-pool.size = " + o.poolSize() + "\n"
                + " mr-pool.acquire-mode = " + (o.acquireMode() == AcquireMode.BATCH ? "batch" : "per-chunk") + "\n"
                + " mr-pool.batch-size = " + o.batchSize() + "\n"
                + " mr-pool.when-exhausted = wait\n"
                + " mr-pool.acquire-timeout = 1s\n"
                + " recovery.strategy = "
                + (o.recoveryStrategy() == RecoveryStrategy.PER_MR ? "per-mr" : "rebuild-on-reconnect") + "\n"
                + " recovery.parallelism = " + o.recoveryParallelism() + "\n"
                + " receive-queue.depth = " + RECEIVE_QUEUE_DEPTH + "\n"
                + " connection.drain-timeout = 2s\n"
                + " connection.request-wait = 5s\n"
                + " connection.reconnect.min-backoff = 10ms\n"
                + " connection.reconnect.max-backoff = 200ms\n"
                + " connection.reconnect.max-restarts = -1\n"
                + "}\n";
        return TransportSettings.fromConfig(ConfigFactory.parseString(conf));
    }

    /** Enough credits for every worker's call to be outstanding at once. */
    static int credits(LoadgenOptions o) {
        return Math.min(RECEIVE_QUEUE_DEPTH, Math.max(MIN_CREDITS, o.concurrency()));
    }

    static ClientSettings client(LoadgenOptions o) {
        return ClientSettings.defaults().withMaxCredits(credits(o)).withCallTimeout(o.callTimeout())
                .withRemoteInvalidation(o.remoteInvalidation());
    }

    static ResponderSettings responder(LoadgenOptions o) {
        return ResponderSettings.defaults().withCredits(credits(o)).withServiceTime(o.serverLatency())
                .withRemoteInvalidation(o.remoteInvalidation());
    }
}
