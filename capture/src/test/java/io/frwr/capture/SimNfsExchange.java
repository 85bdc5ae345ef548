package io.frwr.capture;

import io.frwr.verbs.CmEvent;
import io.frwr.verbs.ConnectParams;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.RecvWr;
import io.frwr.verbs.SendWr;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real exchange on a stepped {@link SimFabric} with a {@link PcapWriter} as its wire tap: the client connects
 * to the server (CM REQ, REP, RTU), sends the NFSv3 GETATTR call of {@link NfsOverRdma}, the server answers with
 * the reply, and the client disconnects (DREQ, DREP). Run {@link #main} to write it out for tshark.
 */
final class SimNfsExchange {
    static final String SERVER = "server";

    private SimNfsExchange() {
    }

    /** Writes the capture to {@code file}; returns how many packets it holds. */
    static long write(Path file) throws IOException, VerbsException {
        try (PcapWriter writer = PcapWriter.open(file);
             SimFabric fabric = SimFabric.builder().seed(1).mode(SimMode.STEPPED).wireTap(writer).build()) {
            final SimDevice client = fabric.endpoint("client");
            final SimDevice server = fabric.endpoint(SERVER);
            final byte[] call = NfsOverRdma.rdmaMsg(NfsOverRdma.getattrCall());
            final byte[] reply = NfsOverRdma.rdmaMsg(NfsOverRdma.getattrReply());
            final DmaBuffer serverRecv = map(server, 1024);

            final AtomicReference<QueuePair> serverQp = new AtomicReference<>();
            server.connectionManager().listen(SERVER, req -> {
                try {
                    final QueuePair qp = req.accept(params(server, "nfsd"), e -> { });
                    qp.postRecv(new RecvWr(1, serverRecv.segment(0, serverRecv.length())));
                    serverQp.set(qp);
                } catch (VerbsException e) {
                    throw new IllegalStateException("accept failed", e);
                }
            });
            final AtomicReference<CmEvent> atClient = new AtomicReference<>();
            client.connectionManager().connect(SERVER, params(client, "mount"), e -> atClient.compareAndSet(null, e));
            fabric.runUntilQuiet(1_000);
            if (!(atClient.get() instanceof CmEvent.Established established)) {
                throw new IllegalStateException("client did not connect: " + atClient.get());
            }
            final QueuePair clientQp = established.qp();

            final DmaBuffer clientRecv = map(client, 1024);
            clientQp.postRecv(new RecvWr(2, clientRecv.segment(0, clientRecv.length())));
            clientQp.postSend(List.of(send(client, 3, call)));
            fabric.runUntilQuiet(1_000);
            serverQp.get().postSend(List.of(send(server, 4, reply)));
            fabric.runUntilQuiet(1_000);
            clientQp.disconnect();
            fabric.runUntilQuiet(1_000);
            return writer.packetsWritten();
        }
    }

    private static ConnectParams params(SimDevice d, String privateData) throws VerbsException {
        return new ConnectParams(d.allocPd(), d.createCq(16), d.createCq(16), 8, 8, privateData.getBytes(), null);
    }

    private static DmaBuffer map(SimDevice d, int size) throws VerbsException {
        return d.mapBuffer(ByteBuffer.allocateDirect(size));
    }

    private static SendWr send(SimDevice d, long wrId, byte[] message) throws VerbsException {
        final DmaBuffer b = map(d, message.length);
        b.buffer().put(0, message);
        return new SendWr.Send(wrId, true, List.of(b.segment(0, message.length)));
    }

    public static void main(String[] args) throws Exception {
        System.out.println(write(Path.of(args.length > 0 ? args[0] : "exchange.pcap")) + " packets");
    }
}
