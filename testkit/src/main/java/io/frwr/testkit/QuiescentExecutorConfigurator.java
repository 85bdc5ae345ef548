package io.frwr.testkit;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The default dispatcher's executor under {@link FrwrTestKit}: a small thread pool whose every task is
 * counted in a {@link DispatcherActivity}, so the test thread can tell when all actors are idle. Named in
 * the dispatcher's config as {@code executor = "io.frwr.testkit.QuiescentExecutorConfigurator"}.
 */
public final class QuiescentExecutorConfigurator extends ExecutorServiceConfigurator {
    static final String ID_KEY = "frwr-testkit-activity-id";
    private final String id;
    private final int threads;

    /** Made by Akka from the dispatcher's config; the activity id names the counter to use. */
    public QuiescentExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        this.id = config.getString(ID_KEY);
        this.threads = config.hasPath("frwr-testkit-threads") ? config.getInt("frwr-testkit-threads") : 2;
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String dispatcherId, ThreadFactory threadFactory) {
        final DispatcherActivity activity = DispatcherActivity.lookup(id);
        return () -> new Tracked(new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threadFactory), activity);
    }

    /** Delegates to the pool, counting each task from execute() until it returned. */
    private static final class Tracked extends AbstractExecutorService {
        private final ThreadPoolExecutor pool;
        private final DispatcherActivity activity;

        Tracked(ThreadPoolExecutor pool, DispatcherActivity activity) {
            this.pool = pool;
            this.activity = activity;
        }

        @Override
        public void execute(Runnable command) {
            final Runnable tracked = activity.track(command);
            if (!activity.holdIfGated(() -> start(tracked, false))) {
                start(tracked, true);
            }
        }

        private void start(Runnable tracked, boolean rethrow) {
            try {
                pool.execute(tracked);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                activity.untrack();
                if (rethrow) {
                    throw e;
                }
            }
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return pool.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return pool.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return pool.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return pool.awaitTermination(timeout, unit);
        }
    }
}
