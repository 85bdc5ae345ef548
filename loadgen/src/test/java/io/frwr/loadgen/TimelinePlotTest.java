package io.frwr.loadgen;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --plot draws headless PNGs, with units on the axes and the series and both kinds of marker in the legend. */
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
    void axesHaveUnitsAndTheLegendNamesSeriesAndBothMarkers() {
        final JFreeChart chart = TimelinePlot.chart("title", "subtitle", intervals(), EVENTS);
        final CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getXYPlot();
        assertEquals("time since the workers started (s)", plot.getDomainAxis().getLabel());
        final List<XYPlot> panels = plot.getSubplots();
        assertEquals(List.of("calls/s", "MB/s", "latency (ms)"),
                panels.stream().map(p -> p.getRangeAxis().getLabel()).toList());
        for (XYPlot p : panels) {
            assertEquals(EVENTS.size(), p.getDomainMarkers(Layer.BACKGROUND).size(), "every event in every panel");
        }
        final List<String> legend = new ArrayList<>();
        for (int i = 0; i < plot.getLegendItems().getItemCount(); i++) {
            legend.add(plot.getLegendItems().get(i).getLabel());
        }
        assertEquals(List.of("calls/s (ended, ok or failed)", "MB/s (WRITE+READ payload, MB = 2^20 B)",
                "p99 latency (ms)", "p50 latency (ms)", "QP fault injected (1)", "reconnect (1; seen within 100 ms)"),
                legend);
        final ValueMarker fault = (ValueMarker) panels.get(0).getDomainMarkers(Layer.BACKGROUND).iterator().next();
        assertEquals(2.4, fault.getValue());
        assertEquals(TimelinePlot.FAULT, fault.getPaint());
        assertEquals(30.0, panels.get(2).getDataset().getYValue(0, 2), "p99 in ms at the third interval");
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
