package io.frwr.loadgen;

import akka.actor.typed.ActorRef;
import io.frwr.actors.RdmaTransport;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcRdmaClient;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.server.RpcRdmaResponder;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.disni.DisniOptions;
import io.frwr.verbs.disni.DisniProvider;
import io.frwr.verbs.disni.ProviderCheck;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The load run over DiSNI, as two processes: {@code --role server} serves the NFS export at
 * {@code --address} for {@code --duration}; {@code --role client} runs the workload against it. Faults and
 * capture need the simulated fabric; the stale-rkey self-check is the fabric's and is skipped here.
 */
final class DisniLoadgen {
    static final byte[] FILE_HANDLE = "loadgen-file-0001".getBytes(StandardCharsets.US_ASCII);
    static final Duration CONNECT_BOUND = Duration.ofSeconds(60);

    private DisniLoadgen() {
    }

    /** What DiSNI lacks here, or null if it can run. */
    static String unavailable() {
        final ProviderCheck check = DisniProvider.check();
        return check.ok() ? null : check.message();
    }

    /** Serves until {@code --duration} has passed; returns the exit code. */
    static int serve(LoadgenOptions o, PrintStream out) throws VerbsException {
        final String host = o.address().substring(0, o.address().lastIndexOf(':'));
        final RdmaDevice device = DisniProvider.open(o.device() != null ? o.device() : host, DisniOptions.defaults());
        try (Guardian guardian = new Guardian("loadgen-server", LoadgenConfig.akka(o.verbose()))) {
            final int fileSize = Math.multiplyExact(o.payload().maxBytes(), o.concurrency());
            final InMemoryExport export = new InMemoryExport(1, fileSize);
            export.addFile(FILE_HANDLE, new byte[fileSize]);
            guardian.spawn(RpcRdmaResponder.create(device, o.address(), LoadgenConfig.responder(o),
                    new NfsProgram(export)), "responder");
            out.printf("loadgen server: serving NFSv3 at %s for %s (a file of %d bytes for %d workers of up to %s)%n",
                    o.address(), DurationArg.format(o.duration()), fileSize, o.concurrency(),
                    ByteSize.format(o.payload().maxBytes()));
            LockSupport.parkNanos(o.duration().toNanos());
        } finally {
            device.close();
        }
        return 0;
    }

    static RunResult runClient(LoadgenOptions o, PrintStream out, Timeline timeline) throws VerbsException {
        final SendQueueWatch device = new SendQueueWatch(DisniProvider.open(o.device(), DisniOptions.defaults()));
        try (Guardian guardian = new Guardian("loadgen", LoadgenConfig.akka(o.verbose()))) {
            // remoteInvalidation is off with disni (Cli): ibv_reg_mr MRs cannot be invalidated remotely.
            final ClientSettings clientSettings = LoadgenConfig.client(o);
            final ActorRef<RdmaTransport.Command> transport = guardian.spawn(RdmaTransport.create(
                    LoadgenConfig.transport(o), device, clientSettings.connectionSpec(o.address())), "transport");
            final ActorRef<RpcRdmaClient.Command> client = guardian.spawn(
                    RpcRdmaClient.create(transport, device, clientSettings), "rpc-client");
            final LoadSession session = new LoadSession(guardian, o, transport, client, device, out, timeline);
            session.awaitConnected(CONNECT_BOUND);
            out.printf("loadgen client: disni to %s, %d workers, payload %s, %s%n", o.address(), o.concurrency(),
                    o.payload(), DurationArg.format(o.duration()));
            return session.run(new FileHandle(FILE_HANDLE), null, null);
        } finally {
            device.close();
        }
    }
}
