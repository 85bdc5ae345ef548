package io.frwr.config;

import java.time.Duration;

/**
 * The per-connection MR pool ({@code frwr-transport.mr-pool}).
 *
 * @param size           MRs allocated per connection, 1..16777216
 * @param maxFrmrDepth   pages per MR, 1..65536, before the device's cap ({@link #frmrDepthFor})
 * @param whenExhausted  fail at once or wait when no MR is free
 * @param acquireTimeout bound on the wait when {@code whenExhausted} is WAIT, &gt; 0
 * @param acquireMode    one MR per chunk, or a batch per call
 * @param batchSize      MRs reserved per call in batch mode, 1..size (checked against size only in batch mode)
 */
public record MrPoolSettings(int size, int maxFrmrDepth, WhenExhausted whenExhausted, Duration acquireTimeout,
                             AcquireMode acquireMode, int batchSize) {
    /** Where these keys live, for the messages that name a key. */
    public static final String PATH = TransportSettings.ROOT + ".mr-pool";
    /** The rkey's MR index has 24 bits. */
    public static final int MAX_SIZE = 1 << 24;
    /** The largest max-frmr-depth accepted; the device may cap it lower. */
    public static final int MAX_FRMR_DEPTH = 65536;

    /** Validates every value, naming the key, the value and the allowed range. */
    public MrPoolSettings {
        SettingCheck.between(PATH + ".size", size, 1, MAX_SIZE);
        SettingCheck.between(PATH + ".max-frmr-depth", maxFrmrDepth, 1, MAX_FRMR_DEPTH);
        SettingCheck.present(PATH + ".when-exhausted", whenExhausted);
        SettingCheck.positive(PATH + ".acquire-timeout", acquireTimeout);
        SettingCheck.present(PATH + ".acquire-mode", acquireMode);
        // batch-size only matters in batch mode; checking it against size otherwise would make every
        // small test pool (size = 8) also override a setting it never uses.
        if (acquireMode == AcquireMode.BATCH) {
            SettingCheck.between(PATH + ".batch-size", batchSize, 1, "size", size);
        } else {
            SettingCheck.between(PATH + ".batch-size", batchSize, 1, MAX_SIZE);
        }
    }

    /** With {@code size} MRs per connection. */
    public MrPoolSettings withSize(int n) {
        return new MrPoolSettings(n, maxFrmrDepth, whenExhausted, acquireTimeout, acquireMode, batchSize);
    }

    /** With {@code pages} per MR at most. */
    public MrPoolSettings withMaxFrmrDepth(int pages) {
        return new MrPoolSettings(size, pages, whenExhausted, acquireTimeout, acquireMode, batchSize);
    }

    /** Failing at once, or waiting at most {@code timeout}, when no MR is free. */
    public MrPoolSettings withWhenExhausted(WhenExhausted when, Duration timeout) {
        return new MrPoolSettings(size, maxFrmrDepth, when, timeout, acquireMode, batchSize);
    }

    /** Acquiring per chunk, or {@code batch} MRs per call in batch mode. */
    public MrPoolSettings withAcquireMode(AcquireMode mode, int batch) {
        return new MrPoolSettings(size, maxFrmrDepth, whenExhausted, acquireTimeout, mode, batch);
    }

    static MrPoolSettings read(SettingsReader r) {
        return new MrPoolSettings(
                r.getInt(PATH + ".size"),
                r.getInt(PATH + ".max-frmr-depth"),
                r.getEnum(PATH + ".when-exhausted", WhenExhausted.class),
                r.getDuration(PATH + ".acquire-timeout"),
                r.getEnum(PATH + ".acquire-mode", AcquireMode.class),
                r.getInt(PATH + ".batch-size"));
    }

    /** Pages one FAST_REG may map on a device: the configured depth, capped at max_fast_reg_page_list_len. */
    public int frmrDepthFor(int deviceMaxFastRegPageListLen) {
        return Math.min(maxFrmrDepth, deviceMaxFastRegPageListLen);
    }
}
