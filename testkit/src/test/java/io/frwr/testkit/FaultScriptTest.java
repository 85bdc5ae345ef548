package io.frwr.testkit;

import io.frwr.verbs.Errno;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultScriptTest {
    /** One {@code FaultScript.step(args)} of a printed script; an argument may hold one nested call. */
    private static final Pattern STEP = Pattern.compile("FaultScript\\.(\\w+)\\(((?:[^()]|\\([^()]*\\))*)\\)");
    private static final Pattern NANOS = Pattern.compile("Duration\\.ofNanos\\((\\d+)\\)");

    /** Rebuild a script from its toString, as someone replaying a failed run from its log would. */
    private static FaultScript parse(String printed) {
        FaultScript s = FaultScript.none();
        final Matcher m = STEP.matcher(printed);
        while (m.find()) {
            final String[] a = m.group(2).isEmpty() ? new String[0] : m.group(2).split(", ");
            s = s.then(switch (m.group(1)) {
                case "none" -> FaultScript.none();
                case "breakQpNow" -> FaultScript.breakQpNow();
                case "breakQpAfter" -> FaultScript.breakQpAfter(Integer.parseInt(a[0]));
                case "breakRandomQp" -> FaultScript.breakRandomQp();
                case "failNextPosts" -> FaultScript.failNextPosts(Integer.parseInt(a[0]),
                        Errno.valueOf(a[1].substring("Errno.".length())));
                case "failNextAllocs" -> FaultScript.failNextAllocs(Integer.parseInt(a[0]));
                case "failNextDeregs" -> FaultScript.failNextDeregs(Integer.parseInt(a[0]));
                case "rejectNextConnects" -> FaultScript.rejectNextConnects(Integer.parseInt(a[0]));
                case "failPostsForever" -> FaultScript.failPostsForever(Errno.valueOf(a[0].substring("Errno.".length())));
                case "failAllocsForever" -> FaultScript.failAllocsForever();
                case "failDeregsForever" -> FaultScript.failDeregsForever();
                case "rejectConnectsForever" -> FaultScript.rejectConnectsForever();
                case "stopFailing" -> FaultScript.stopFailing();
                case "loseNextDrainMarkers" -> FaultScript.loseNextDrainMarkers(Integer.parseInt(a[0]));
                case "delayCompletions" -> {
                    final Matcher n = NANOS.matcher(a[0]);
                    assertTrue(n.matches(), "delay printed as " + a[0]);
                    yield FaultScript.delayCompletions(Duration.ofNanos(Long.parseLong(n.group(1))));
                }
                default -> throw new AssertionError("unknown step " + m.group(1) + " in " + printed);
            });
        }
        return s;
    }

    private static FaultScript everyKindOfStep() {
        return FaultScript.breakQpNow().then(FaultScript.breakQpAfter(10)).then(FaultScript.breakRandomQp())
                .then(FaultScript.failNextPosts(3, Errno.ENOMEM)).then(FaultScript.failNextPosts(1, Errno.EAGAIN))
                .then(FaultScript.failNextAllocs(2)).then(FaultScript.failNextDeregs(1))
                .then(FaultScript.rejectNextConnects(2)).then(FaultScript.delayCompletions(Duration.ofMillis(3)))
                .then(FaultScript.failPostsForever(Errno.EAGAIN)).then(FaultScript.failAllocsForever())
                .then(FaultScript.failDeregsForever()).then(FaultScript.rejectConnectsForever())
                .then(FaultScript.stopFailing()).then(FaultScript.loseNextDrainMarkers(2));
    }

    @Test
    void then_appendsInOrderAndLeavesBothOperandsUnchanged() {
        final FaultScript a = FaultScript.breakQpNow();
        final FaultScript b = FaultScript.failNextAllocs(2).then(FaultScript.breakQpAfter(5));
        final FaultScript ab = a.then(b);
        assertEquals(List.of(new FaultScript.BreakQpNow(), new FaultScript.FailNextAllocs(2),
                new FaultScript.BreakQpAfter(5)), ab.steps());
        assertEquals(1, a.steps().size());
        assertEquals(2, b.steps().size());
        assertEquals(ab, a.then(FaultScript.failNextAllocs(2)).then(FaultScript.breakQpAfter(5)), "associative");
        assertEquals(a, FaultScript.none().then(a).then(FaultScript.none()), "none() is the identity");
        assertTrue(FaultScript.none().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> ab.steps().add(new FaultScript.BreakQpNow()));
    }

    @Test
    void toString_isTheJavaExpressionThatRebuildsTheScript() {
        final FaultScript s = FaultScript.breakQpNow().then(FaultScript.failNextPosts(3, Errno.ENOMEM));
        assertEquals("FaultScript.breakQpNow().then(FaultScript.failNextPosts(3, Errno.ENOMEM))", s.toString());
        assertEquals("FaultScript.none()", FaultScript.none().toString());
        final FaultScript all = everyKindOfStep();
        assertEquals(all, parse(all.toString()), all::toString);
        assertEquals(all.toString(), parse(all.toString()).toString());
    }

    @Test
    void random_isTheSameForTheSameSeedAndRoundTrips() {
        final Set<FaultScript> distinct = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            final FaultScript s = FaultScript.random(seed);
            assertEquals(s, FaultScript.random(seed), "seed " + seed);
            assertEquals(s.toString(), FaultScript.random(seed).toString());
            assertTrue(s.steps().size() <= 4, "at most four faults, seed " + seed + ": " + s);
            assertEquals(s, parse(s.toString()), "seed " + seed);
            distinct.add(s);
        }
        assertTrue(distinct.size() > 10, "seeds must choose different scripts: only " + distinct.size());
    }

    @Test
    void badArguments_nameTheValueAndTheAllowedRange() {
        assertEquals("failNextPosts count must be 1..1000, was 0", assertThrows(IllegalArgumentException.class,
                () -> FaultScript.failNextPosts(0, Errno.ENOMEM)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FaultScript.failNextPosts(1, Errno.EINVAL))
                .getMessage().contains("ENOMEM or EAGAIN"));
        assertEquals("breakQpAfter wrs must be 0..1000000, was -1", assertThrows(IllegalArgumentException.class,
                () -> FaultScript.breakQpAfter(-1)).getMessage());
        assertEquals("failNextAllocs count must be 1..1000, was 1001", assertThrows(IllegalArgumentException.class,
                () -> FaultScript.failNextAllocs(1001)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FaultScript.delayCompletions(Duration.ofSeconds(11))).getMessage().contains("0..10000 ms"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FaultScript.delayCompletions(Duration.ofNanos(-1))).getMessage().contains("0..10000 ms"));
    }
}
