package io.frwr.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys under {@code frwr-transport} that reference.conf does not know, each with the nearest known key: a typo
 * such as {@code mr-pool.szie} would otherwise be ignored and its default used without a word. Reported as a
 * warning (once per key and JVM), or as a {@link SettingsException} when {@value #STRICT_KEY} is on.
 */
public final class UnknownKeys {
    /** Turns the warnings into an error that stops start-up. */
    public static final String STRICT_KEY = TransportSettings.ROOT + ".strict-keys";
    private static final Logger LOG = LoggerFactory.getLogger(UnknownKeys.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private UnknownKeys() {
    }

    /**
     * One message per unknown key under {@code frwr-transport} in {@code config} (a whole config, such as an
     * ActorSystem's), e.g. {@code unknown key frwr-transport.mr-pool.szie; did you mean mr-pool.size?}.
     */
    public static List<String> find(Config config) {
        if (!config.hasPath(TransportSettings.ROOT)
                || config.getValue(TransportSettings.ROOT).valueType() != ConfigValueType.OBJECT) {
            return List.of();
        }
        final Set<String> known = leafKeys(ConfigFactory.defaultReference().getConfig(TransportSettings.ROOT));
        final List<String> problems = new ArrayList<>();
        for (String key : leafKeys(config.getConfig(TransportSettings.ROOT))) {
            // A known block given a plain value (mr-pool = 5) is the settings reader's to report, as a bad value.
            if (!known.contains(key) && known.stream().noneMatch(k -> k.startsWith(key + "."))) {
                final String nearest = nearest(key, known);
                problems.add("unknown key " + TransportSettings.ROOT + "." + key
                        + (nearest != null ? "; did you mean " + nearest + "?" : " (reference.conf has no such key)"));
            }
        }
        return problems;
    }

    /**
     * Reports what {@link #find} finds in a config that already has reference.conf as its fallback: a warning
     * per key, or, with {@value #STRICT_KEY} on, a {@link SettingsException} listing them all.
     */
    static void report(Config merged, SettingsReader r) {
        final List<String> problems = find(merged);
        if (problems.isEmpty()) {
            return;
        }
        if (r.getBoolean(STRICT_KEY)) {
            throw new SettingsException(String.join(" / ", problems) + " (" + STRICT_KEY + " = on)");
        }
        for (String p : problems) {
            if (WARNED.add(p)) {
                LOG.warn("{} (ignored; set {} = on to make this an error)", p, STRICT_KEY);
            }
        }
    }

    private static Set<String> leafKeys(Config c) {
        final Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, ?> e : c.entrySet()) {
            keys.add(e.getKey());
        }
        return keys;
    }

    /** The known key at the smallest edit distance, if it is close enough to be a typo of it. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            final int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Edit distance counting a swap of two neighbouring characters as one edit (szie to size). */
    static int distance(String a, String b) {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
