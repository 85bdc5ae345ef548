package io.frwr.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The testkit examples in README.md and docs/testkit.md are ReadmeExampleTest and GuideExampleTest's, verbatim. */
class DocsExampleTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();

    private static String exampleMethod() throws IOException {
        final List<String> lines = Files.readAllLines(MODULE.resolve(
                "src/test/java/io/frwr/testkit/GuideExampleTest.java"));
        final int from = lines.indexOf("    @Test");
        final int to = lines.lastIndexOf("    }");
        return String.join("\n", lines.subList(from, to + 1));
    }

    /** ReadmeExampleTest from its static import to its last line, as the docs show it. */
    private static String readmeExample() throws IOException {
        final String file = Files.readString(MODULE.resolve("src/test/java/io/frwr/testkit/ReadmeExampleTest.java"));
        return file.substring(file.indexOf("import static")).stripTrailing();
    }

    @Test
    void theReadmeAndTheGuideShowTheFirstExampleThatRuns() throws IOException {
        final String example = readmeExample();
        for (String doc : List.of("README.md", "docs/testkit.md")) {
            final String text = Files.readString(MODULE.getParent().resolve(doc));
            assertTrue(text.contains(example), doc + " does not show ReadmeExampleTest verbatim:\n" + example);
        }
    }

    @Test
    void theReadmeAndTheGuideShowTheExampleThatRuns() throws IOException {
        final String example = exampleMethod();
        for (String doc : List.of("README.md", "docs/testkit.md")) {
            final Path p = MODULE.getParent().resolve(doc);
            final String text = Files.readString(p);
            assertTrue(text.contains(example), doc + " does not show GuideExampleTest's test verbatim:\n" + example);
        }
    }
}
