package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.verbs.Segment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whatever the responder sends, the requester never hands a buffer back while the peer can still reach it, and
 * every call ends. Each seed draws, per call, an answer from the whole space the misbehaving responder offers:
 * every {@link Misbehavior}, SEND_WITH_INV naming the call's rkey, another call's rkey or one that never existed,
 * up to {@value Answer#MAX_WRITE_CHUNK_COPIES} write chunks for one offered, and silence; calls overlap. The kit
 * checks "no early release" at the moment each result reaches the caller, and every invariant at the end.
 */
class HostileResponderPropertyTest {
    private static final int SEEDS = 60;
    private static final int SINK = 8192;

    @Test
    void noAnswerOfTheResponderMakesTheRequesterHandBackABufferEarly() {
        final List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            final List<String> v = run(seed);
            if (!v.isEmpty()) {
                failures.add("seed " + seed + ": " + String.join("; ", v));
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + SEEDS + " seeds broke an invariant");
    }

    private static List<String> run(long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final List<Integer> rkeysSeen = new ArrayList<>();
        try (FrwrTestKit kit = FrwrTestKit.builder().seed(seed).withMisbehavingResponder()
                .withRpcClient(ClientSettings.defaults().withMaxRetransmits(r.nextInt(3))
                        .withCallTimeout(Duration.ofSeconds(2)))
                .build()) {
            kit.awaitConnected();
            kit.misbehavingResponder().answer(call -> {
                final int own = call.firstRkey();
                rkeysSeen.add(own);
                if (r.nextInt(10) == 0) {
                    return Answer.noReply();
                }
                final Misbehavior[] all = Misbehavior.values();
                Answer a = Answer.serve(all[r.nextInt(all.length)]);
                if (own != 0 && r.nextInt(3) == 0) {
                    final int pick = r.nextInt(3);
                    final int rkey = pick == 0 ? own
                            : pick == 1 ? rkeysSeen.get(r.nextInt(rkeysSeen.size()))
                            : r.nextInt();
                    a = a.withInvalidate(rkey);
                }
                if (call.hasWriteChunk() && r.nextInt(4) == 0) {
                    a = a.withWriteChunkCopies(1 + r.nextInt(Answer.MAX_WRITE_CHUNK_COPIES));
                }
                return a;
            });
            final int batches = 2 + r.nextInt(3);
            for (int b = 0; b < batches; b++) {
                final List<TestProbe<CallResult>> calls = new ArrayList<>();
                final int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    final Segment sink = kit.memory(1 + r.nextInt(SINK));
                    calls.add(kit.call(RpcCallSpec.of(100003, 3, 6, new byte[8], 64).withResultSink(sink)));
                }
                for (TestProbe<CallResult> c : calls) {
                    kit.await(c, CallResult.class);
                }
            }
            for (int i = 0; i < 10; i++) {
                kit.advance(Duration.ofMillis(100));
            }
            final List<String> out = new ArrayList<>();
            kit.invariants().all().forEach(v -> out.add(v.toString()));
            return out;
        }
    }
}
