package dev.bastion.loadtest.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * ghz's summary layout ({@code -O summary}, the default): the summary, the response time histogram
 * with bars of ∎, the latency distribution, the status code and error distributions.
 */
final class SummaryText {

  private static final int BAR_WIDTH = 40;

  private SummaryText() {}

  static String of(BenchReport report) {
    StringBuilder text = new StringBuilder("\nSummary:\n");
    line(text, "  Count:\t%d", report.count());
    line(text, "  Total:\t%s", duration(report.total()));
    line(text, "  Slowest:\t%s", duration(report.slowest()));
    line(text, "  Fastest:\t%s", duration(report.fastest()));
    line(text, "  Average:\t%s", duration(report.average()));
    line(text, "  Requests/sec:\t%.2f", report.rps());
    text.append("\nResponse time histogram:\n");
    long highest = report.histogram().stream().mapToLong(BenchReport.Bucket::count).max().orElse(0);
    for (BenchReport.Bucket bucket : report.histogram()) {
      int bar = highest == 0 ? 0 : (int) ((bucket.count() * BAR_WIDTH + highest / 2) / highest);
      line(
          text, "  %.3f [%d]\t|%s", bucket.mark().toNanos() / 1e6, bucket.count(), "∎".repeat(bar));
    }
    text.append("\nLatency distribution:\n");
    for (BenchReport.Percentile percentile : report.latencyDistribution()) {
      line(text, "  %d %% in %s", percentile.percentage(), duration(percentile.latency()));
    }
    if (!report.statusCodeDistribution().isEmpty()) {
      text.append("\nStatus code distribution:\n");
      int width =
          report.statusCodeDistribution().keySet().stream()
              .mapToInt(String::length)
              .max()
              .orElse(0);
      for (Map.Entry<String, Long> status : report.statusCodeDistribution().entrySet()) {
        String label = "[" + status.getKey() + "]";
        line(
            text,
            "  %s%s%d responses",
            label,
            " ".repeat(width + 2 - label.length() + 3),
            status.getValue());
      }
    }
    if (!report.errorDistribution().isEmpty()) {
      text.append("\nError distribution:\n");
      for (Map.Entry<String, Long> error : report.errorDistribution().entrySet()) {
        line(text, "  [%d]\t%s", error.getValue(), error.getKey());
      }
    }
    return text.append('\n').toString();
  }

  /** ghz's unit for a duration: ns, µs, ms or s, two decimals. */
  static String duration(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static void line(StringBuilder text, String format, Object... values) {
    text.append(String.format(Locale.ROOT, format, values)).append('\n');
  }
}
