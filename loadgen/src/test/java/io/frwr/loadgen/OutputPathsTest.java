package io.frwr.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Output files are refused before the run, one line naming the option and the path; nothing is created. */
class OutputPathsTest {
    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> OutputPaths.check(Cli.parse(List.of(args)))).getMessage();
    }

    @Test
    void aMissingDirectoryADirectoryOrAFileAsDirectoryIsRefused(@TempDir Path dir) throws IOException {
        final Path missing = dir.resolve("no-such-dir").resolve("run.json");
        assertEquals("--json " + missing + ": cannot write there: directory " + missing.getParent()
                + " does not exist", refusal("--json", missing.toString()));
        assertEquals("--timeline " + dir + ": cannot write there: it is a directory",
                refusal("--timeline", dir.toString()));
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals("--plot " + file.resolve("run.png") + ": cannot write there: " + file + " is not a directory",
                refusal("--plot", file.resolve("run.png").toString()));
        assertEquals("--pcap " + missing.resolveSibling("x.pcap") + ": cannot write there: directory "
                + missing.getParent() + " does not exist", refusal("--pcap", missing.resolveSibling("x.pcap")
                .toString()));
        assertFalse(Files.exists(missing.getParent()), "the check creates nothing");
    }

    @Test
    void twoOptionsNamingOneFileAreRefused(@TempDir Path dir) {
        final Path f = dir.resolve("out.png");
        assertEquals("--plot " + f + ": the same file as --json", refusal("--json", f.toString(), "--plot",
                f.toString()));
    }

    @Test
    void writableFilesAndNewFilesInWritableDirectoriesPass(@TempDir Path dir) throws IOException {
        final Path existing = Files.writeString(dir.resolve("old.json"), "{}");
        assertDoesNotThrow(() -> OutputPaths.check(Cli.parse(List.of("--json", existing.toString(), "--timeline",
                dir.resolve("t.jsonl").toString(), "--plot", dir.resolve("p.png").toString()))));
        assertEquals("{}", Files.readString(existing), "an existing file is left alone until the run writes it");
        assertFalse(Files.exists(dir.resolve("t.jsonl")));
        assertDoesNotThrow(() -> OutputPaths.check(Cli.parse(List.of("--json", "relative-name.json"))),
                "a bare name is in the working directory");
    }

    @Test
    void anUnwritablePathExitsWith2AndOneLineBeforeTheRun(@TempDir Path dir) {
        final Path missing = dir.resolve("nope").resolve("run.png");
        final var out = new java.io.ByteArrayOutputStream();
        final var err = new java.io.ByteArrayOutputStream();
        final int code = Main.run(List.of("loadgen", "--duration", "24h", "--plot", missing.toString()),
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
        assertEquals(2, code);
        assertEquals("loadgen: --plot " + missing + ": cannot write there: directory " + missing.getParent()
                + " does not exist\n", err.toString());
        assertEquals("", out.toString(), "no run started");
    }
}
