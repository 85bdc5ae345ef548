package io.frwr.config;

/**
 * Send and receive queue sizing ({@code frwr-transport.send-queue} and {@code frwr-transport.receive-queue}).
 *
 * @param sendQueueDepth    send WRs, FAST_REG and LOCAL_INV included, 1..65536, before the device's cap
 * @param signalInterval    signal every Nth send WR, 1..sendQueueDepth
 * @param receiveQueueDepth receives kept posted, 1..65536, before the device's cap
 */
public record QueueSettings(int sendQueueDepth, int signalInterval, int receiveQueueDepth) {
    /** Where the send-queue keys live. */
    public static final String SEND_PATH = TransportSettings.ROOT + ".send-queue";
    /** Where the receive-queue keys live. */
    public static final String RECEIVE_PATH = TransportSettings.ROOT + ".receive-queue";
    /** The deepest queue accepted; the device may cap it lower. */
    public static final int MAX_DEPTH = 65536;

    /** Validates every value, naming the key, the value and the allowed range. */
    public QueueSettings {
        SettingCheck.between(SEND_PATH + ".depth", sendQueueDepth, 1, MAX_DEPTH);
        SettingCheck.between(SEND_PATH + ".signal-interval", signalInterval, 1, "depth", sendQueueDepth);
        SettingCheck.between(RECEIVE_PATH + ".depth", receiveQueueDepth, 1, MAX_DEPTH);
    }

    static QueueSettings read(SettingsReader r) {
        return new QueueSettings(
                r.getInt(SEND_PATH + ".depth"),
                r.getInt(SEND_PATH + ".signal-interval"),
                r.getInt(RECEIVE_PATH + ".depth"));
    }

    /** Send queue depth on a device: the configured depth, capped at max_qp_wr. */
    public int sendQueueDepthFor(int deviceMaxQpWr) {
        return Math.min(sendQueueDepth, deviceMaxQpWr);
    }

    /** Signal interval on a device: never longer than the (capped) send queue, or nothing would be signaled. */
    public int signalIntervalFor(int deviceMaxQpWr) {
        return Math.min(signalInterval, sendQueueDepthFor(deviceMaxQpWr));
    }

    /** Receive queue depth on a device: the configured depth, capped at max_qp_wr. */
    public int receiveQueueDepthFor(int deviceMaxQpWr) {
        return Math.min(receiveQueueDepth, deviceMaxQpWr);
    }
}
