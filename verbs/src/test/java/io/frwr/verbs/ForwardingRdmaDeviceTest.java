package io.frwr.verbs;

import io.frwr.verbs.sim.SimDevice;
import io.frwr.verbs.sim.SimFabric;
import io.frwr.verbs.sim.SimMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class ForwardingRdmaDeviceTest {
    @Test
    void theConsumerGetsTheWrappersAndTheProviderItsOwnObjects() throws Exception {
        final SimFabric fabric = SimFabric.builder().seed(1L).mode(SimMode.STEPPED).build();
        final SimDevice server = fabric.endpoint("server");
        final ProtectionDomain spd = server.allocPd();
        final CompletionQueue scq = server.createCq(16);
        server.connectionManager().listen("server", req -> {
            try {
                req.accept(new ConnectParams(spd, scq, scq, 8, 8, null, Duration.ofSeconds(1)), e -> { });
            } catch (VerbsException e) {
                throw new IllegalStateException(e);
            }
        });
        final AtomicInteger posts = new AtomicInteger();
        final List<QueuePair> wrappers = new ArrayList<>();
        final ForwardingRdmaDevice client = new ForwardingRdmaDevice(fabric.endpoint("client")) {
            @Override
            protected ProtectionDomain wrap(ProtectionDomain pd) {
                return new ForwardingProtectionDomain(pd, this);
            }

            @Override
            protected QueuePair wrap(QueuePair qp) {
                final QueuePair w = new ForwardingQueuePair(qp) {
                    @Override
                    public void postSend(List<? extends SendWr> chain) throws PostSendException {
                        posts.incrementAndGet();
                        delegate.postSend(chain);
                    }
                };
                wrappers.add(w);
                return w;
            }

            @Override
            protected QueuePair wrapDisconnected(QueuePair qp) {
                return wrappers.get(0);
            }
        };
        final ProtectionDomain pd = client.allocPd();
        assertInstanceOf(ForwardingProtectionDomain.class, pd);
        final CompletionQueue cq = client.createCq(16);
        final List<CmEvent> events = new ArrayList<>();
        // The simulated CM only accepts its own PD: connecting with the wrapper works because it is unwrapped.
        client.connectionManager().connect("server", new ConnectParams(pd, cq, cq, 8, 8, null,
                Duration.ofSeconds(1)), events::add);
        fabric.runUntilQuiet(100);
        final CmEvent.Established est = assertInstanceOf(CmEvent.Established.class, events.get(0));
        assertSame(wrappers.get(0), est.qp());
        est.qp().postSend(new SendWr.LocalInv(1, true, 0x100));   // the single-WR form goes through the chain form
        assertEquals(1, posts.get());
        est.qp().disconnect();
        fabric.runUntilQuiet(100);
        assertSame(wrappers.get(0), assertInstanceOf(CmEvent.Disconnected.class, events.get(events.size() - 1)).qp());
    }
}
