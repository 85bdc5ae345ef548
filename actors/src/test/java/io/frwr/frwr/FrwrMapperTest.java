package io.frwr.frwr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.frwr.verbs.DeviceAttributes;
import io.frwr.verbs.DmaBuffer;
import io.frwr.verbs.PageList;
import io.frwr.verbs.Segment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrwrMapperTest {
    private static final int PAGE = 4096;
    private static final long BASE = 0x10000L;

    private static DmaBuffer buffer(int length, long address) {
        return new DmaBuffer(ByteBuffer.allocateDirect(length), address, "dev");
    }

    private static DmaBuffer buffer(int length) {
        return buffer(length, BASE);
    }

    @Test
    void singlePage() {
        final Segment page = buffer(PAGE).segment(0, PAGE);

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 256, false).plan(List.of(page));

        assertEquals(1, plans.size());
        final ChunkPlan plan = plans.get(0);
        assertEquals(1, plan.pageCount());
        assertEquals(BASE, plan.iova());
        assertEquals(PAGE, plan.length());
        assertEquals(List.of(page), plan.slices());
        assertSame(page, plan.slices().get(0), "a segment that fits whole is not copied");
    }

    @Test
    void unalignedStartAndEndStayInOneMr() {
        final Segment segment = buffer(3 * PAGE).segment(100, 5000);

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 256, false).plan(List.of(segment));

        assertEquals(1, plans.size());
        assertEquals(BASE + 100, plans.get(0).iova(), "iova is the first byte, not its page");
        assertEquals(5000, plans.get(0).length());
        assertEquals(2, plans.get(0).pageCount(), "bytes 100..5100 touch pages 0 and 1");
    }

    @Test
    void exactlyMaxDepthPagesIsOneMr() {
        final Segment segment = buffer(4 * PAGE).segment(0, 4 * PAGE);

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 4, false).plan(List.of(segment));

        assertEquals(1, plans.size());
        assertEquals(4, plans.get(0).pageCount());
    }

    @Test
    void maxDepthPlusOnePagesSplitsAtThePageBoundary() {
        final DmaBuffer buffer = buffer(5 * PAGE);
        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 4, false).plan(List.of(buffer.segment(0, 5 * PAGE)));

        assertEquals(2, plans.size());
        assertEquals(List.of(buffer.segment(0, 4 * PAGE)), plans.get(0).slices());
        assertEquals(List.of(buffer.segment(4 * PAGE, PAGE)), plans.get(1).slices());
        assertEquals(4, plans.get(0).pageCount());
        assertEquals(1, plans.get(1).pageCount());
        assertEquals(BASE + 4 * PAGE, plans.get(1).iova());
    }

    @Test
    void anUnalignedSegmentSplitsWhereItsPagesRunOut() {
        // Starting 100 bytes into a page, four pages hold 4 * PAGE - 100 bytes.
        final DmaBuffer buffer = buffer(6 * PAGE);
        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 4, false).plan(List.of(buffer.segment(100, 4 * PAGE)));

        assertEquals(2, plans.size());
        assertEquals(List.of(buffer.segment(100, 4 * PAGE - 100)), plans.get(0).slices());
        assertEquals(List.of(buffer.segment(4 * PAGE, 100)), plans.get(1).slices());
    }

    @Test
    void manySmallAlignedSegmentsMergeIntoOneMr() {
        // Eight page-sized segments at scattered addresses: page lists need no contiguity, only alignment.
        final List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            segments.add(buffer(PAGE, BASE + 0x100000L * (i + 1)).segment(0, PAGE));
        }

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 16, false).plan(segments);

        assertEquals(1, plans.size());
        assertEquals(8, plans.get(0).pageCount());
        assertEquals(segments, plans.get(0).slices());
        assertEquals(8 * PAGE, plans.get(0).length());
    }

    @Test
    void aSegmentEndingMidPageEndsItsMr() {
        final List<Segment> segments = List.of(buffer(PAGE).segment(0, 1000), buffer(PAGE, BASE * 4).segment(0, PAGE));

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 16, false).plan(segments);

        assertEquals(2, plans.size());
        assertEquals(List.of(segments.get(0)), plans.get(0).slices());
        assertEquals(List.of(segments.get(1)), plans.get(1).slices());
    }

    @Test
    void aSegmentStartingMidPageStartsANewMr() {
        final List<Segment> segments = List.of(buffer(PAGE).segment(0, PAGE), buffer(PAGE, BASE * 4).segment(8, 100));

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 16, false).plan(segments);

        assertEquals(2, plans.size());
        assertEquals(BASE * 4 + 8, plans.get(1).iova());
    }

    @Test
    void gapsModeMergesRegardlessOfAlignment() {
        final List<Segment> segments = List.of(buffer(PAGE).segment(0, 1000), buffer(PAGE, BASE * 4).segment(8, 100),
                buffer(PAGE, BASE * 8).segment(0, PAGE));

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 16, true).plan(segments);

        assertEquals(1, plans.size());
        assertEquals(segments, plans.get(0).slices());
        assertEquals(3, plans.get(0).pageCount());
        assertTrue(plans.get(0).pageList().gaps());
    }

    @Test
    void gapsModeStillSplitsAtMaxDepth() {
        final List<Segment> segments = List.of(buffer(PAGE).segment(0, 1000), buffer(PAGE, BASE * 4).segment(8, 100),
                buffer(PAGE, BASE * 8).segment(0, PAGE));

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 2, true).plan(segments);

        assertEquals(2, plans.size());
        assertEquals(2, plans.get(0).pageCount());
        assertEquals(List.of(segments.get(2)), plans.get(1).slices());
    }

    @Test
    void oneMebibyteWithDepth256IsOneMr() {
        final Segment mib = buffer(1 << 20).segment(0, 1 << 20);

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 256, false).plan(List.of(mib));

        assertEquals(1, plans.size());
        assertEquals(256, plans.get(0).pageCount());
        assertEquals(1 << 20, plans.get(0).length());
    }

    @Test
    void oneMebibyteWithDepth16IsSixteenMrs() {
        final Segment mib = buffer(1 << 20).segment(0, 1 << 20);

        final List<ChunkPlan> plans = new FrwrMapper(PAGE, 16, false).plan(List.of(mib));

        assertEquals(16, plans.size());
        for (int i = 0; i < 16; i++) {
            assertEquals(16, plans.get(i).pageCount());
            assertEquals(64 * 1024, plans.get(i).length());
            assertEquals(BASE + i * 64L * 1024, plans.get(i).iova());
        }
    }

    @Test
    void forDeviceCapsDepthAtTheDevice() {
        final DeviceAttributes device = new DeviceAttributes("sim:test", PAGE, 8, 1024, 1024, true);

        final FrwrMapper mapper = FrwrMapper.forDevice(device, 256);

        assertEquals(8, mapper.maxDepth());
        assertEquals(PAGE, mapper.pageSize());
        assertTrue(mapper.sgGaps());
    }

    @Test
    void badInputNamesTheSegmentIndex() {
        final FrwrMapper mapper = new FrwrMapper(PAGE, 16, false);
        final DmaBuffer buffer = buffer(PAGE);
        final DmaBuffer other = new DmaBuffer(ByteBuffer.allocateDirect(PAGE), BASE, "other-dev");

        assertEquals("segment list is empty; a chunk needs at least one segment",
                assertThrows(IllegalArgumentException.class, () -> mapper.plan(List.of())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> mapper.plan(List.of(buffer.segment(0, 8), buffer.segment(8, 8), buffer.segment(16, 0))))
                .getMessage().startsWith("segment 2 has length 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> mapper.plan(List.of(buffer.segment(0, 8), other.segment(0, 8))))
                .getMessage().startsWith("segment 1 is mapped by device other-dev but segment 0 by device dev"));
        final List<Segment> withNull = new ArrayList<>();
        withNull.add(buffer.segment(0, 8));
        withNull.add(null);
        assertEquals("segment 1 is null",
                assertThrows(IllegalArgumentException.class, () -> mapper.plan(withNull)).getMessage());
    }

    @Test
    void badGeometryIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FrwrMapper(3000, 16, false))
                .getMessage().startsWith("pageSize = 3000: must be a power of two"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FrwrMapper(PAGE, 0, false))
                .getMessage().startsWith("maxDepth = 0: must be between 1"));
    }

    /** Random segment lists: slices rebuild the input exactly, depth holds, and no MR is ended needlessly. */
    @Test
    void randomInputsKeepEveryRule() {
        final Random random = new Random(0x5EEDL);
        final DmaBuffer[] buffers = new DmaBuffer[4];
        final long[] bases = {0x10000L, 0x7_0000_0123L, 0x20_0000L + 2048, 0x9_9990_0000L};
        for (int b = 0; b < buffers.length; b++) {
            buffers[b] = buffer(128 * 1024, bases[b]);
            final byte[] noise = new byte[128 * 1024];
            random.nextBytes(noise);
            buffers[b].buffer().duplicate().put(noise);
        }
        final int[] pageSizes = {512, 4096};
        for (int round = 0; round < 2000; round++) {
            final int pageSize = pageSizes[random.nextInt(pageSizes.length)];
            final int depth = 1 + random.nextInt(24);
            final boolean gaps = random.nextBoolean();
            final List<Segment> segments = randomSegments(random, buffers, pageSize);
            final String context = "round " + round + ": page " + pageSize + ", depth " + depth + ", gaps " + gaps
                    + ", " + segments;

            final List<ChunkPlan> plans = new FrwrMapper(pageSize, depth, gaps).plan(segments);

            assertSlicesRebuildTheInput(segments, plans, context);
            for (int i = 0; i < plans.size(); i++) {
                final ChunkPlan plan = plans.get(i);
                assertTrue(plan.pageCount() <= depth, context + ": plan " + i + " has " + plan.pageCount() + " pages");
                assertPageListMatchesSlices(plan, context);
                if (i < plans.size() - 1) {
                    assertEndedForAReason(plan, plans.get(i + 1), depth, pageSize, gaps, context + ", plan " + i);
                }
            }
        }
    }

    private static List<Segment> randomSegments(Random random, DmaBuffer[] buffers, int pageSize) {
        final int count = 1 + random.nextInt(8);
        final List<Segment> segments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final DmaBuffer buffer = buffers[random.nextInt(buffers.length)];
            // Half the time aligned to the page, so merging is exercised as well as gap splitting.
            final boolean aligned = random.nextBoolean();
            final int maxLength = random.nextInt(4) == 0 ? 20 * pageSize : 3 * pageSize;
            int offset = random.nextInt(buffer.length() - maxLength);
            int length = 1 + random.nextInt(maxLength - 1);
            if (aligned) {
                offset -= (int) ((buffer.address() + offset) % pageSize);
                offset = Math.max(offset, (int) ((pageSize - buffer.address() % pageSize) % pageSize));
                length = Math.max(pageSize, length - length % pageSize);
            }
            segments.add(buffer.segment(offset, length));
        }
        return segments;
    }

    private static void assertSlicesRebuildTheInput(List<Segment> segments, List<ChunkPlan> plans, String context) {
        // Structure: every slice is the next piece of the current input segment, in order, with no byte skipped.
        int index = 0;
        int consumed = 0;
        for (ChunkPlan plan : plans) {
            for (Segment slice : plan.slices()) {
                final Segment source = segments.get(index);
                assertSame(source.buffer(), slice.buffer(), context);
                assertEquals(source.offset() + consumed, slice.offset(), context);
                assertTrue(slice.length() > 0 && consumed + slice.length() <= source.length(), context);
                consumed += slice.length();
                if (consumed == source.length()) {
                    index++;
                    consumed = 0;
                }
            }
        }
        assertEquals(segments.size(), index, context + ": every input byte is covered");
        // Content: the bytes read through the slices are the bytes of the input.
        assertArrayEquals(bytesOf(segments), bytesOf(plans.stream().flatMap(p -> p.slices().stream()).toList()),
                context);
    }

    private static byte[] bytesOf(List<Segment> segments) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Segment s : segments) {
            final byte[] bytes = new byte[s.length()];
            s.buffer().buffer().get(s.offset(), bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static void assertPageListMatchesSlices(ChunkPlan plan, String context) {
        final PageList pageList = plan.pageList();
        int length = 0;
        for (int r = 0; r < pageList.rangeCount(); r++) {
            assertEquals(plan.slices().get(r).address(), pageList.rangeAddress(r), context);
            assertEquals(plan.slices().get(r).length(), pageList.rangeLength(r), context);
            length += pageList.rangeLength(r);
        }
        assertEquals(length, plan.length(), context);
    }

    /** A plan that is not the last must be full, or be cut by a page gap: otherwise an MR was wasted. */
    private static void assertEndedForAReason(ChunkPlan plan, ChunkPlan next, int depth, int pageSize, boolean gaps,
                                              String context) {
        final boolean full = plan.pageCount() == depth;
        final PageList pl = plan.pageList();
        final int last = pl.rangeCount() - 1;
        final boolean endsMidPage = (pl.rangeAddress(last) + pl.rangeLength(last)) % pageSize != 0;
        final boolean nextStartsMidPage = next.iova() % pageSize != 0;
        if (gaps) {
            assertTrue(full, context + " ended with " + plan.pageCount() + " of " + depth + " pages");
        } else {
            assertTrue(full || endsMidPage || nextStartsMidPage, context + " ended without a gap or a full page list");
        }
    }
}
