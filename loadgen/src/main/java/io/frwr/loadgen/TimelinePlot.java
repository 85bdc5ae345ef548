package io.frwr.loadgen;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code --plot FILE}: the run's timeline as a picture, with JFreeChart (headless, no network). Three panels
 * over one time axis: calls/s, MB/s, and latency (p99 and p50, ms) per interval, each point at the middle of
 * its interval. Every injected fault is a red dashed vertical line, every reconnect the transport made a green
 * solid one (in every panel), so a dip can be read against what caused it. PNG only: JFreeChart draws no SVG
 * itself, and JFreeSVG is GPL-3.0.
 */
final class TimelinePlot {
    static final int WIDTH = 1400;
    static final int HEIGHT = 900;
    static final Color CALLS = new Color(0x1f, 0x77, 0xb4);
    static final Color MB = new Color(0x9c, 0x4d, 0xcc);
    static final Color P99 = new Color(0xd6, 0x27, 0x28);
    static final Color P50 = new Color(0x7f, 0x7f, 0x7f);
    static final Color FAULT = new Color(0xe6, 0x2e, 0x2e);
    static final Color RECONNECT = new Color(0x2c, 0xa0, 0x2c);
    static final Stroke FAULT_STROKE = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {7f, 4f}, 0f);
    static final Stroke RECONNECT_STROKE = new BasicStroke(1.2f);

    /** True if the file name ends in .png (any case). */
    static boolean isPng(Path p) {
        final Path name = p.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".png");
    }

    private TimelinePlot() {
    }

    /** Draws the timeline to {@code file}. */
    static void write(Path file, String title, String subtitle, List<Timeline.Interval> intervals,
                      List<Timeline.Event> events) throws IOException {
        System.setProperty("java.awt.headless", "true");
        final JFreeChart chart = chart(title, subtitle, intervals, events);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    static JFreeChart chart(String title, String subtitle, List<Timeline.Interval> intervals,
                            List<Timeline.Event> events) {
        final XYSeries calls = new XYSeries("calls/s (ended, ok or failed)");
        final XYSeries mb = new XYSeries("MB/s (WRITE+READ payload, MB = 2^20 B)");
        final XYSeries p99 = new XYSeries("p99 latency (ms)");
        final XYSeries p50 = new XYSeries("p50 latency (ms)");
        for (Timeline.Interval i : intervals) {
            final double mid = i.t() - i.seconds() / 2;
            calls.add(mid, i.callsPerSec());
            mb.add(mid, i.mbPerSec());
            if (i.calls() > i.errors()) {
                p99.add(mid, i.p99Us() / 1000.0);
                p50.add(mid, i.p50Us() / 1000.0);
            }
        }
        final NumberAxis time = new NumberAxis("time since the workers started (s)");
        time.setAutoRangeIncludesZero(true);
        final double end = intervals.isEmpty() ? 1.0 : intervals.get(intervals.size() - 1).t();
        time.setRange(0.0, Math.max(end, 0.1));
        if (end >= 3.0) {
            time.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // whole seconds, not 0.1 s steps
        }
        final CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12.0);
        plot.add(panel("calls/s", CALLS, events, calls), 1);
        plot.add(panel("MB/s", MB, events, mb), 1);
        plot.add(panel("latency (ms)", P99, events, p99, p50), 1);

        final LegendItemCollection legend = new LegendItemCollection();
        legend.add(seriesItem(calls.getKey().toString(), CALLS, new BasicStroke(2f)));
        legend.add(seriesItem(mb.getKey().toString(), MB, new BasicStroke(2f)));
        legend.add(seriesItem(p99.getKey().toString(), P99, new BasicStroke(2f)));
        legend.add(seriesItem(p50.getKey().toString(), P50, new BasicStroke(1.2f)));
        final long faults = events.stream().filter(e -> e.type().equals(Timeline.Event.FAULT)).count();
        final long reconnects = events.stream().filter(e -> e.type().equals(Timeline.Event.RECONNECT))
                .mapToLong(Timeline.Event::count).sum();
        legend.add(markerItem("QP fault injected (" + faults + ")", FAULT, FAULT_STROKE));
        legend.add(markerItem("reconnect (" + reconnects + "; seen within 100 ms)", RECONNECT, RECONNECT_STROKE));
        plot.setFixedLegendItems(legend);

        final JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        final TextTitle sub = new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        sub.setPaint(Color.DARK_GRAY);
        chart.addSubtitle(sub);
        final LegendTitle lt = chart.getLegend();
        lt.setPosition(RectangleEdge.BOTTOM);
        lt.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return chart;
    }

    private static XYPlot panel(String label, Color color, List<Timeline.Event> events, XYSeries... series) {
        final XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        final NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        final XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        final Ellipse2D dot = new Ellipse2D.Double(-3, -3, 6, 6);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesShape(0, dot);
        if (series.length > 1) {
            r.setSeriesPaint(1, P50);
            r.setSeriesStroke(1, new BasicStroke(1.2f));
            r.setSeriesShape(1, new Ellipse2D.Double(-2, -2, 4, 4));
        }
        final XYPlot p = new XYPlot(data, null, axis, r);
        p.setBackgroundPaint(new Color(0xfa, 0xfa, 0xfa));
        p.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        p.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        for (Timeline.Event e : events) {
            final boolean fault = e.type().equals(Timeline.Event.FAULT);
            final ValueMarker m = new ValueMarker(e.t(), fault ? FAULT : RECONNECT,
                    fault ? FAULT_STROKE : RECONNECT_STROKE);
            m.setAlpha(fault ? 0.85f : 0.7f);
            p.addDomainMarker(m, Layer.BACKGROUND);
        }
        return p;
    }

    private static LegendItem seriesItem(String label, Color color, Stroke stroke) {
        final LegendItem item = new LegendItem(label, null, null, null, new Line2D.Double(-12, 0, 12, 0), stroke,
                color);
        item.setShapeVisible(false);
        return item;
    }

    private static LegendItem markerItem(String label, Color color, Stroke stroke) {
        // A vertical stroke, as the markers are drawn.
        final LegendItem item = new LegendItem(label, null, null, null, new Line2D.Double(0, -8, 0, 8), stroke,
                color);
        item.setShapeVisible(false);
        return item;
    }
}
