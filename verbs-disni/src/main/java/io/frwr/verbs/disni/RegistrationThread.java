package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import io.frwr.verbs.VerbsException;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one "disni-reg" thread of a device: ibv_reg_mr and ibv_dereg_mr block in the kernel, so they run
 * here, one at a time, in submission order, never on a poster's or a poller's thread.
 */
final class RegistrationThread implements Executor, AutoCloseable {
    private final ExecutorService executor;

    RegistrationThread(String deviceName) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "disni-reg[" + deviceName + "]");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Run {@code call} on the registration thread and wait for it (ib_dereg_mr is synchronous in the SPI). */
    <T> T call(Callable<T> call) throws VerbsException {
        final Future<T> f = executor.submit(call);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerbsException(Errno.EAGAIN, "interrupted while waiting for the registration thread", e);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof VerbsException ve) {
                throw ve;
            }
            throw new VerbsException(Errno.EINVAL, "registration thread failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
