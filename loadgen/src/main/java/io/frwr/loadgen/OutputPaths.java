package io.frwr.loadgen;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output files of a run, checked before it starts, so that a typo costs nothing: each must be a file
 * (not a directory) in an existing, writable directory, writable if it exists, and no two options may name
 * the same file. Nothing is created or changed here.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /** @throws UsageException one line naming the option, the path and what is wrong */
    static void check(LoadgenOptions o) throws UsageException {
        final Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--json", o.json());
        outputs.put("--pcap", o.pcap());
        outputs.put("--timeline", o.timeline());
        outputs.put("--plot", o.plot());
        final Map<Path, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : outputs.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            final Path p = e.getValue();
            checkOne(e.getKey(), p);
            final String other = seen.putIfAbsent(p.toAbsolutePath().normalize(), e.getKey());
            if (other != null) {
                throw new UsageException(e.getKey() + " " + p + ": the same file as " + other);
            }
        }
    }

    static void checkOne(String option, Path p) throws UsageException {
        final String prefix = option + " " + p + ": cannot write there: ";
        if (Files.isDirectory(p)) {
            throw new UsageException(prefix + "it is a directory");
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.exists(p)) {
            if (!Files.isRegularFile(p)) {
                throw new UsageException(prefix + "it exists and is not a regular file");
            }
            if (!Files.isWritable(p)) {
                throw new UsageException(prefix + "the file is not writable");
            }
            return;
        }
        final Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.exists(dir)) {
            throw new UsageException(prefix + "directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException(prefix + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException(prefix + "directory " + dir + " is not writable");
        }
    }
}
