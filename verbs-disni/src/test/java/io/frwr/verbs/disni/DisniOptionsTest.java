package io.frwr.verbs.disni;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DisniOptionsTest {
    private static DisniOptions withMaxMrSize(long maxMrSize) {
        final DisniOptions d = DisniOptions.defaults();
        return new DisniOptions(d.pageSize(), maxMrSize, d.maxQpWr(), d.maxMr(), d.maxSge(), d.rdmaDepth(),
                d.cqPollBatch(), d.cqEventWait(), d.cmEventWait(), d.resolveTimeout(), d.retryCount(),
                d.rnrRetryCount());
    }

    @Test
    void pageListDepthIsMaxMrSizeOverPageSizeCappedAt512() {
        assertEquals(512, DisniOptions.defaults().maxFastRegPageListLen());
        assertEquals(16, withMaxMrSize(16 * 4096).maxFastRegPageListLen());
        assertEquals(1, withMaxMrSize(4096 + 1).maxFastRegPageListLen());
    }

    @Test
    void badValuesNameTheSettingAndTheRange() {
        final DisniOptions d = DisniOptions.defaults();
        final IllegalArgumentException retry = assertThrows(IllegalArgumentException.class,
                () -> new DisniOptions(4096, 1L << 32, 4096, 1, 4, 16, 32, d.cqEventWait(), d.cmEventWait(),
                        d.resolveTimeout(), 8, 7));
        assertEquals("retryCount must be in 0..7, was 8", retry.getMessage());
        final IllegalArgumentException page = assertThrows(IllegalArgumentException.class,
                () -> new DisniOptions(3000, 1L << 32, 4096, 1, 4, 16, 32, d.cqEventWait(), d.cmEventWait(),
                        d.resolveTimeout(), 7, 7));
        assertEquals("pageSize must be a power of two >= 512, was 3000", page.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withMaxMrSize(100));
        final IllegalArgumentException wait = assertThrows(IllegalArgumentException.class,
                () -> new DisniOptions(4096, 1L << 32, 4096, 1, 4, 16, 32, Duration.ZERO, d.cmEventWait(),
                        d.resolveTimeout(), 7, 7));
        assertEquals("cqEventWait must be between 1 ms and 2147483647 ms, was PT0S", wait.getMessage());
    }
}
