package io.frwr.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * For each of many seeds: a random workload (registrations through the transport, or NFS calls through the
 * RPC client and responder) under a random fault script on the stepped fabric, every invariant checked at
 * the end. {@code -Dsoak.seeds=N} runs more seeds, {@code -Dsoak.first=F} starts at seed F (how
 * {@code bench/soak.sh} splits a range over JVMs), {@code -Dsoak.seed=S} replays one.
 */
class SoakTest {
    private static final int DEFAULT_SEEDS = 500;
    private static ActorTestKit shared;

    @BeforeAll
    static void startActorSystem() {
        shared = FrwrTestKit.newActorTestKit("soak");
    }

    @AfterAll
    static void stopActorSystem() {
        shared.shutdownTestKit();
    }

    static String replayCommand(long seed) {
        return "mvn -B -pl testkit -am test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.seed=" + seed;
    }

    @Test
    void everySeedKeepsEveryInvariant() {
        final String one = System.getProperty("soak.seed");
        final long first = one != null ? Long.parseLong(one) : Long.getLong("soak.first", 1);
        final int seeds = one != null ? 1 : Integer.getInteger("soak.seeds", DEFAULT_SEEDS);
        final List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            final SoakWorkload.Outcome o;
            try {
                o = SoakWorkload.run(shared, seed);
            } catch (RuntimeException | AssertionError e) {
                failures.add("seed " + seed + " threw " + e + "\n    replay: " + replayCommand(seed));
                continue;
            }
            if (!o.violations().isEmpty()) {
                failures.add("seed " + seed + " (" + o.description() + "):\n    " + String.join("\n    ",
                        o.violations()) + "\n    replay: " + replayCommand(seed));
            }
        }
        if (!failures.isEmpty()) {
            failures.forEach(System.out::println);
        }
        assertEquals(List.of(), failures, failures.size() + " of " + seeds + " seeds failed");
    }

    @Test
    void aSeedReplaysTheSameFabricTrace() {
        for (long seed = 1; seed <= 40; seed++) {
            final SoakWorkload.Outcome a = SoakWorkload.run(shared, seed);
            final SoakWorkload.Outcome b = SoakWorkload.run(shared, seed);
            assertFalse(a.trace().isEmpty(), "the fabric recorded no trace");
            assertEquals(a.trace(), b.trace(), "seed " + seed + " did not replay: " + a.description());
        }
    }
}
