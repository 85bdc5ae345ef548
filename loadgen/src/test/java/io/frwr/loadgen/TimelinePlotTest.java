package io.frwr.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --plot draws headless, PNG or SVG by extension, with the series and both kinds of marker in the legend. */
class TimelinePlotTest {
    private static List<Timeline.Interval> intervals() {
        final List<Timeline.Interval> l = new ArrayList<>();
        for (int s = 1; s <= 6; s++) {
            l.add(TimelineTest.interval(s, s == 3 ? 900 : 8000, s == 3 ? 30_000 : 7_000, s >= 3 ? 1 : 0,
                    s >= 3 ? 1 : 0));
        }
        return l;
    }

    private static final List<Timeline.Event> EVENTS = List.of(new Timeline.Event(2.4, "fault", 3, 1, 1),
            new Timeline.Event(2.6, "reconnect", -1, 1, 1));

    @Test
    void aPngOfTheChosenSize(@TempDir Path dir) throws IOException {
        final Path png = dir.resolve("run.png");
        TimelinePlot.write(png, "title", "subtitle", intervals(), EVENTS);
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not an image ImageIO reads");
        assertEquals(TimelinePlot.WIDTH, image.getWidth());
        assertEquals(TimelinePlot.HEIGHT, image.getHeight());
        assertTrue(hasColour(image, TimelinePlot.CALLS.getRGB()), "the calls/s line is drawn");
    }

    @Test
    void anSvgByExtensionWithLegendAndAxisLabels(@TempDir Path dir) throws IOException {
        final Path svg = dir.resolve("run.SVG");
        TimelinePlot.write(svg, "title", "subtitle", intervals(), EVENTS);
        final String text = Files.readString(svg);
        assertTrue(text.contains("<svg"), text.substring(0, Math.min(200, text.length())));
        for (String label : List.of("calls/s", "MB/s", "latency (ms)", "time since the workers started (s)",
                "p99 latency (ms)", "QP fault injected (1)", "reconnect (1; seen within 100 ms)", "subtitle")) {
            assertTrue(text.contains(label), "the SVG lacks '" + label + "'");
        }
    }

    @Test
    void anEmptyRunStillDraws(@TempDir Path dir) throws IOException {
        final Path png = dir.resolve("empty.png");
        TimelinePlot.write(png, "t", "s", List.of(), List.of());
        assertNotNull(ImageIO.read(png.toFile()));
    }

    private static boolean hasColour(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y += 1) {
            for (int x = 0; x < image.getWidth(); x += 1) {
                if ((image.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
                    return true;
                }
            }
        }
        return false;
    }
}
