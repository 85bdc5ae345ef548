package io.frwr.verbs;

/**
 * ib_post_send's "bad_wr": the WR at {@link #failedIndex()} of the posted chain and every WR after it
 * were not posted; those before it were, and will complete or flush as usual.
 */
public final class PostSendException extends VerbsException {
    private final int failedIndex;

    /** post_send refused the chain at WR {@code failedIndex}; the WRs before it were posted. */
    public PostSendException(Errno errno, int failedIndex, String message) {
        this(errno, failedIndex, message, false);
    }

    /** {@code injected}: a fault injector refused the post, the queue itself had room. */
    public PostSendException(Errno errno, int failedIndex, String message, boolean injected) {
        super(errno, "WR #" + failedIndex + " of the chain not posted: " + message, injected);
        this.failedIndex = failedIndex;
    }

    /** {@return the index of the first WR not posted, as ibv_post_send's bad_wr} */
    public int failedIndex() {
        return failedIndex;
    }
}
