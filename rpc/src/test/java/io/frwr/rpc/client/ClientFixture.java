package io.frwr.rpc.client;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.frwr.actors.RdmaTransport;
import io.frwr.actors.TransportCounters;
import io.frwr.config.TransportSettings;
import io.frwr.rpc.nfs.FileHandle;
import io.frwr.rpc.nfs.InMemoryExport;
import io.frwr.rpc.nfs.NfsProgram;
import io.frwr.rpc.server.ResponderSettings;
import io.frwr.rpc.server.ResponderStats;
import io.frwr.rpc.server.RpcProgram;
import io.frwr.rpc.server.RpcRdmaResponder;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.QpState;
import io.frwr.verbs.QueuePair;
import io.frwr.verbs.Segment;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;

/**
 * A requester and the real responder serving NFSv3 from memory, on the FREE simulated fabric. The
 * responder listens only once the client has subscribed, so the transport's first successful connect
 * comes after the subscription (until then its connects are refused and retried with backoff).
 */
final class ClientFixture implements AutoCloseable {
    static final Duration HANG_GUARD = Duration.ofSeconds(30);
    static final String TRANSPORT = "frwr-transport {\n"
            + " mr-pool.size = 64\n recovery.parallelism = 2\n send-queue.depth = 256\n"
            + " send-queue.signal-interval = 8\n receive-queue.depth = 64\n"
            + " connection.reconnect.min-backoff = 50ms\n connection.reconnect.max-backoff = 100ms\n"
            + " connection.reconnect.random-factor = 0\n connection.drain-timeout = 2s\n}\n";

    final ActorTestKit kit;
    final ManualTime time;
    final SimFabric fabric;
    final SimDevice clientDevice;
    final InMemoryExport export = new InMemoryExport(7, 1 << 22);
    final FileHandle file;
    final byte[] fileContent;
    final ActorRef<RpcRdmaResponder.Command> responder;
    final ActorRef<RdmaTransport.Command> transport;
    final ActorRef<RpcRdmaClient.Command> client;

    ClientFixture(ResponderSettings responderSettings, ClientSettings clientSettings, String transportConfig,
                  boolean manualTime, Function<RpcProgram, RpcProgram> wrapProgram) throws VerbsException {
        kit = manualTime ? ActorTestKit.create("client-test", ManualTime.config().withFallback(ConfigFactory.load()))
                : ActorTestKit.create("client-test");
        time = manualTime ? ManualTime.get(kit.system()) : null;
        fabric = SimFabric.builder().seed(1L).mode(SimMode.FREE).build();
        clientDevice = fabric.endpoint("client");
        final SimDevice serverDevice = fabric.endpoint("server");
        fileContent = new byte[256 * 1024];
        new Random(42).nextBytes(fileContent);
        file = export.addFile("file-0001".getBytes(), fileContent);
        final TransportSettings settings = TransportSettings.fromConfig(ConfigFactory.parseString(TRANSPORT
                + transportConfig).withFallback(ConfigFactory.load()));
        transport = kit.spawn(RdmaTransport.create(settings, clientDevice, clientSettings.connectionSpec("server")));
        client = kit.spawn(RpcRdmaClient.create(transport, clientDevice, clientSettings));
        // The transport tells only subscribers present at ConnectionUp. The client subscribed before it
        // answered, and the transport forwarded that before it answers us; only then may a connect succeed.
        stats();
        transportCounters();
        responder = kit.spawn(RpcRdmaResponder.create(serverDevice, "server", responderSettings,
                wrapProgram.apply(new NfsProgram(export))));
        awaitEpoch(1);
    }

    static ClientFixture of(ResponderSettings r, ClientSettings c) throws VerbsException {
        return new ClientFixture(r, c, "", false, p -> p);
    }

    /** Wait until the client has seen connection {@code epoch} come up. */
    void awaitEpoch(long epoch) {
        final TestProbe<ClientStats> p = kit.createTestProbe(ClientStats.class);
        p.awaitAssert(HANG_GUARD, Duration.ofMillis(10), () -> {
            if (time != null) {
                time.timePasses(Duration.ofMillis(10));
            }
            client.tell(new RpcRdmaClient.GetStats(p.getRef()));
            final ClientStats s = p.receiveMessage(HANG_GUARD);
            if (s.epoch() < epoch) {
                throw new AssertionError("client has seen connection " + s.epoch() + ", waiting for " + epoch);
            }
            return s;
        });
    }

    TestProbe<CallResult> call(RpcCallSpec spec) {
        final TestProbe<CallResult> p = kit.createTestProbe(CallResult.class);
        client.tell(new RpcRdmaClient.Call(spec, p.getRef()));
        return p;
    }

    CallResult.CallSucceeded succeed(RpcCallSpec spec) {
        final CallResult r = result(call(spec));
        if (!(r instanceof CallResult.CallSucceeded ok)) {
            throw new AssertionError("call failed: " + r);
        }
        return ok;
    }

    static CallResult result(TestProbe<CallResult> p) {
        return p.expectMessageClass(CallResult.class, HANG_GUARD);
    }

    ClientStats stats() {
        final TestProbe<ClientStats> p = kit.createTestProbe(ClientStats.class);
        client.tell(new RpcRdmaClient.GetStats(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    ResponderStats responderStats() {
        final TestProbe<ResponderStats> p = kit.createTestProbe(ResponderStats.class);
        responder.tell(new RpcRdmaResponder.GetStats(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    TransportCounters.Snapshot transportCounters() {
        final TestProbe<TransportCounters.Snapshot> p = kit.createTestProbe(TransportCounters.Snapshot.class);
        transport.tell(new RdmaTransport.GetCounters(p.getRef()));
        return p.receiveMessage(HANG_GUARD);
    }

    Segment memory(int length) throws VerbsException {
        final DmaBuffer b = clientDevice.mapBuffer(ByteBuffer.allocateDirect(length));
        return b.segment(0, length);
    }

    /** Break the connection as a link failure would: either end's QP, the peer follows. */
    void breakConnection() {
        for (QueuePair qp : fabric.queuePairs()) {
            if (qp.state() == QpState.RTS && fabric.faults().breakQp(qp)) {
                return;
            }
        }
        throw new AssertionError("no QP in RTS to break");
    }

    @Override
    public void close() {
        // Stopped, not shut down: the transport's CoordinatedShutdown task would wait for a Shutdown that, on a
        // stepped fabric under ManualTime, only a test that steps can finish. Stopping cancels the task, and the
        // stopping pool deregisters its MRs.
        kit.stop(transport, Duration.ofSeconds(20));
        kit.shutdownTestKit();
        fabric.close();
    }
}
