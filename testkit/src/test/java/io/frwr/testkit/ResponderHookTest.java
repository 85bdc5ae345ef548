package io.frwr.testkit;

import io.frwr.actors.TransportEvent;
import io.frwr.rpc.client.CallResult;
import io.frwr.rpc.client.ClientSettings;
import io.frwr.rpc.client.RpcCallSpec;
import io.frwr.verbs.Segment;
import io.frwr.verbs.WcStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MisbehavingResponder's answer hook: a choice per call, SEND_WITH_INV, huge chunk counts, silence. */
class ResponderHookTest {
    private static final int SINK = 8192;

    private static FrwrTestKit kit(long seed) {
        final FrwrTestKit kit = FrwrTestKit.builder().seed(seed).withMisbehavingResponder()
                .withRpcClient(ClientSettings.defaults().withMaxRetransmits(0).withCallTimeout(Duration.ofSeconds(5)))
                .build();
        kit.awaitConnected();
        return kit;
    }

    private static RpcCallSpec intoSink(Segment sink) {
        return RpcCallSpec.of(100003, 3, 6, new byte[8], 64).withResultSink(sink);
    }

    @Test
    void theHookSeesEveryCallAndItsAnswerIsServed() {
        try (FrwrTestKit kit = kit(401)) {
            final List<ReceivedCall> seen = new ArrayList<>();
            kit.misbehavingResponder().answer(call -> {
                seen.add(call);
                return Answer.correctly();
            });
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(List.of(0, 1), seen.stream().map(ReceivedCall::index).toList());
            assertTrue(seen.get(0).hasWriteChunk());
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void sendWithInvalidateOfTheCallsRkey_endsTheCallWithTheRkeyDead() {
        try (FrwrTestKit kit = kit(402)) {
            final MisbehavingResponder responder = kit.misbehavingResponder();
            final int[] rkey = new int[1];
            responder.answer(call -> {
                rkey[0] = call.firstRkey();
                return Answer.correctly().withInvalidate(call.firstRkey());
            });
            assertInstanceOf(CallResult.CallSucceeded.class, kit.callAndAwait(intoSink(kit.memory(SINK))));
            assertEquals(1, responder.count("reply SEND_WITH_INV", WcStatus.SUCCESS), responder.completions()::toString);
            assertFalse(kit.clientDevice().isRkeyLive(rkey[0]));
            assertTrue(kit.eventHistory().stream().anyMatch(e -> e instanceof TransportEvent.MrInvalidated i
                    && i.rkey() == rkey[0] && i.remotely()), "the transport took the remote invalidation");
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void aHugeWriteChunkCountIsNotTakenAsASuccess() {
        try (FrwrTestKit kit = kit(403)) {
            kit.misbehavingResponder().answer(call -> Answer.correctly().withWriteChunkCopies(100));
            final CallResult r = kit.callAndAwait(intoSink(kit.memory(SINK)));
            assertInstanceOf(CallResult.CallFailed.class, r, "a reply with 100 write chunks for a call that offered"
                    + " one is malformed: " + r);
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void noReplyEndsTheCallByItsTimeout() {
        try (FrwrTestKit kit = kit(404)) {
            kit.misbehavingResponder().answer(call -> Answer.noReply());
            final CallResult r = kit.callAndAwait(intoSink(kit.memory(SINK)));
            assertInstanceOf(CallResult.CallFailed.class, r);
            assertEquals(1, kit.misbehavingResponder().calls());
            assertEquals(List.of(), kit.misbehavingResponder().completions(), "nothing was posted");
            MisbehavingResponderTest.assertInvariantsAndEveryMrAccounted(kit);
        }
    }

    @Test
    void answersAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Answer.correctly().withWriteChunkCopies(0));
        assertThrows(IllegalArgumentException.class,
                () -> Answer.correctly().withWriteChunkCopies(Answer.MAX_WRITE_CHUNK_COPIES + 1));
        assertEquals(Misbehavior.OLD_KEY_BYTE, Answer.serve(Misbehavior.OLD_KEY_BYTE).withInvalidate(7).serve());
    }
}
