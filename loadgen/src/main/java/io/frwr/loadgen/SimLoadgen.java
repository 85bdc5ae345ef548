package io.frwr.loadgen;

import akka.actor.typed.ActorRef;
import io.frwr.actors.RdmaTransport;
import io.frwr.capture.PcapWriter;
import io.frwr.invariants.RkeyProbe;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcRdmaClient;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.server.RpcRdmaResponder;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The load run on the simulated fabric (FREE mode): client and server endpoints in this JVM, one
 * ActorSystem, QP faults from a seeded {@link FaultInjector}, the fabric's own stale-rkey self-check, and a
 * {@link CallBook} that asks the client device about each call's rkeys (ownership, early release).
 */
final class SimLoadgen {
    static final String SERVER_ADDRESS = "server";
    static final Duration CONNECT_BOUND = Duration.ofSeconds(30);

    private SimLoadgen() {
    }

    static RunResult run(LoadgenOptions o, PrintStream out, Timeline timeline) throws IOException, VerbsException {
        final SimFabric fabric = SimFabric.builder().seed(o.seed()).mode(SimMode.FREE).costs(o.fabricCosts().costs())
                .build();
        final PcapWriter pcap = o.pcap() == null ? null : PcapWriter.open(o.pcap());
        final GuardedTap tap = pcap == null ? null : new GuardedTap(pcap);
        try {
            if (tap != null) {
                fabric.setWireTap(tap);
            }
            final RunResult result;
            try (Guardian guardian = new Guardian("loadgen", LoadgenConfig.akka(o.verbose()))) {
                result = runOn(fabric, guardian, o, out, timeline);
            }
            return result;
        } finally {
            fabric.close();
            if (pcap != null) {
                pcap.close();
                out.println("pcap: " + pcap.packetsWritten() + " packets written to " + o.pcap());
                if (tap.failure() != null) {
                    out.println("pcap: capture stopped early: " + tap.failure());
                }
            }
        }
    }

    private static RunResult runOn(SimFabric fabric, Guardian guardian, LoadgenOptions o, PrintStream out,
                                   Timeline timeline)
            throws VerbsException {
        final SimDevice requester = fabric.endpoint("client");
        final SendQueueWatch clientDevice = new SendQueueWatch(requester, new CallBook(RkeyProbe.of(requester)));
        final SimDevice serverDevice = fabric.endpoint(SERVER_ADDRESS);
        final int region = o.payload().maxBytes();
        final int fileSize = Math.multiplyExact(region, o.concurrency());
        final InMemoryExport export = new InMemoryExport(1, fileSize);
        final FileHandle file = export.addFile("loadgen-file-0001".getBytes(StandardCharsets.US_ASCII),
                new byte[fileSize]);
        final ClientSettings clientSettings = LoadgenConfig.client(o);
        // The responder listens first (its GetStats answer means its setup ran), so the client's first
        // connect finds it; the transport tells late subscribers that it is up, so the order is free otherwise.
        final ActorRef<RpcRdmaResponder.Command> responder = guardian.spawn(RpcRdmaResponder.create(serverDevice,
                SERVER_ADDRESS, LoadgenConfig.responder(o), new NfsProgram(export)), "responder");
        guardian.ask(responder, RpcRdmaResponder.GetStats::new, LoadSession.ASK, "responder stats");
        final ActorRef<RdmaTransport.Command> transport = guardian.spawn(RdmaTransport.create(
                LoadgenConfig.transport(o), clientDevice, clientSettings.connectionSpec(SERVER_ADDRESS)), "transport");
        final ActorRef<RpcRdmaClient.Command> client = guardian.spawn(
                RpcRdmaClient.create(transport, clientDevice, clientSettings), "rpc-client");
        final LoadSession session = new LoadSession(guardian, o, transport, client, clientDevice, out, timeline);
        session.awaitConnected(CONNECT_BOUND);
        out.printf("loadgen: sim fabric (costs %s), %d workers, payload %s, %s, pool %d MRs (%s), recovery %s x%d,"
                        + " fault rate %s/s, seed %d%n", o.fabricCosts().name().toLowerCase(), o.concurrency(),
                o.payload(), DurationArg.format(o.duration()), o.poolSize(), o.asConfig().get("acquire-mode"),
                o.asConfig().get("recovery-strategy"), o.recoveryParallelism(), o.faultRate(), o.seed());
        final FaultInjector faults = new FaultInjector(fabric.faults(), o.faultRate(), o.seed(), timeline);
        return session.run(file, faults, () -> fabric.stats().staleRkeyAccessSucceeded());
    }
}
