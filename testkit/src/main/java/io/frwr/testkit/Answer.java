package io.frwr.testkit;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a {@link MisbehavingResponder} does with one call, as chosen by a {@link MisbehavingResponder#answer}
 * hook: serve it the way a {@link Misbehavior} says, and optionally end the reply with SEND_WITH_INV of a
 * chosen rkey, repeat the reply's write chunk many times, or not answer at all.
 *
 * <pre>{@code
 * responder.answer(call -> Answer.serve(Misbehavior.NONE).withInvalidate(call.firstWriteRkey()));
 * }</pre>
 *
 * @param serve            how data is moved and the reply header built
 * @param invalidate       if present, the reply's SEND is a SEND_WITH_INV of this rkey (RFC 8797)
 * @param writeChunkCopies the reply's write list carries its first write chunk this many times (1: as
 *                         served; more than the requester's decode limit: a huge chunk count)
 * @param reply            false: post nothing for this call (the requester's call timeout must end it)
 */
public record Answer(Misbehavior serve, OptionalInt invalidate, int writeChunkCopies, boolean reply) {
    /** Most copies that still fit one reply buffer (each write chunk of one segment is 24 bytes). */
    public static final int MAX_WRITE_CHUNK_COPIES = 150;

    /** Checks the choice, so a bad answer fails in the test that builds it, not in the responder. */
    public Answer {
        Objects.requireNonNull(serve, "serve");
        Objects.requireNonNull(invalidate, "invalidate");
        if (writeChunkCopies < 1 || writeChunkCopies > MAX_WRITE_CHUNK_COPIES) {
            throw new IllegalArgumentException("writeChunkCopies must be 1.." + MAX_WRITE_CHUNK_COPIES + ", was "
                    + writeChunkCopies);
        }
    }

    /** Serve the call as {@code m} says (what {@link MisbehavingResponder#misbehave} does for every call). */
    public static Answer serve(Misbehavior m) {
        return new Answer(m, OptionalInt.empty(), 1, true);
    }

    /** Serve the call correctly. */
    public static Answer correctly() {
        return serve(Misbehavior.NONE);
    }

    /** Post nothing for this call: no data movement, no reply. */
    public static Answer noReply() {
        return new Answer(Misbehavior.NONE, OptionalInt.empty(), 1, false);
    }

    /** The same, but the reply is a SEND_WITH_INV of {@code rkey}: right, wrong, stale or made up. */
    public Answer withInvalidate(int rkey) {
        return new Answer(serve, OptionalInt.of(rkey), writeChunkCopies, reply);
    }

    /** The same, but the reply's write list repeats the call's first write chunk {@code copies} times. */
    public Answer withWriteChunkCopies(int copies) {
        return new Answer(serve, invalidate, copies, reply);
    }
}
