package io.frwr.loadgen;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the jar was built from: {@code build-info.properties}, written at build time by loadgen/pom.xml
 * ({@code git rev-parse HEAD}); "unknown" where the build had no git checkout or the resource is missing.
 *
 * @param version   the Maven project version
 * @param gitCommit the full commit hash, or "unknown"
 * @param gitDirty  true if tracked files differed from that commit when the jar was built (null if unknown)
 */
public record BuildInfo(String version, String gitCommit, Boolean gitDirty) {
    /** What a field says when the jar was built outside git or without the build-info resource. */
    public static final String UNKNOWN = "unknown";
    static final String RESOURCE = "build-info.properties";

    private static final BuildInfo CURRENT = load();

    /** {@return what the running jar was built from} */
    public static BuildInfo current() {
        return CURRENT;
    }

    static BuildInfo load() {
        final Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // as if absent
        }
        return of(p);
    }

    static BuildInfo of(Properties p) {
        final String commit = p.getProperty("git.commit", "").trim();
        final boolean known = commit.matches("[0-9a-f]{7,64}");
        return new BuildInfo(p.getProperty("version", UNKNOWN).trim(), known ? commit : UNKNOWN,
                known ? Boolean.valueOf(p.getProperty("git.dirty", "false").trim()) : null);
    }

    @Override
    public String toString() {
        return "frwr-loadgen " + version + " (commit " + gitCommit + (Boolean.TRUE.equals(gitDirty) ? ", dirty" : "")
                + ")";
    }

    /** {@code ./frwr loadgen --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {current().toString()};
        }
    }
}
