package io.frwr.rpc.client;

/**
 * The requester's counters at one moment, as {@link RpcRdmaClient.GetStats} reports them.
 *
 * @param outstanding    calls holding a credit now
 * @param maxOutstanding the most calls that ever held credits at once
 * @param credits        the responder's current grant (clamped to 1..maxCredits)
 * @param queued         calls waiting for a credit (including those waiting to be resent)
 * @param epoch          the transport connection the client last saw come up (0: none seen)
 */
public record ClientStats(long[] values, int outstanding, int maxOutstanding, int credits, int queued, long epoch) {
    /** {@return the value of {@code c} in this snapshot} */
    public long get(ClientCounter c) {
        return values[c.ordinal()];
    }

    /** {@return how many calls failed with {@code kind}} */
    public long failures(CallError.Kind kind) {
        return get(ClientCounter.failure(kind));
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (ClientCounter c : ClientCounter.values()) {
            sb.append(c.label()).append('=').append(values[c.ordinal()]).append(' ');
        }
        return sb.append("outstanding=").append(outstanding).append(" max_outstanding=").append(maxOutstanding)
                .append(" credits=").append(credits).append(" queued=").append(queued).append(" epoch=")
                .append(epoch).toString();
    }
}
