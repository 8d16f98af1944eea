package dev.bastion.loadtest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A run's report with ghz's fields and ghz's arithmetic, computed from an HdrHistogram: count
 * (every call), total (wall time of the run), average (over every call), fastest, slowest, a
 * histogram of ten equal steps from fastest to slowest, and the 10/25/50/75/90/95/99 % latencies.
 */
record BenchReport(
    Instant date,
    String endReason,
    JsonObject options,
    long count,
    Duration total,
    Duration average,
    Duration fastest,
    Duration slowest,
    double rps,
    List<Bucket> histogram,
    List<Percentile> latencyDistribution,
    Map<String, Long> statusCodeDistribution,
    Map<String, Long> errorDistribution) {

  static final int[] PERCENTAGES = {10, 25, 50, 75, 90, 95, 99};

  /** How a run ended, in ghz's words. */
  static final String NORMAL = "normal";

  static final String CANCEL = "cancel";
  static final String TIMEOUT = "timeout";

  /**
   * One bar: the calls up to {@code mark} (and above the previous mark).
   *
   * @param frequency the bar's share of the calls in the histogram, 0 to 1
   */
  record Bucket(Duration mark, long count, double frequency) {}

  record Percentile(int percentage, Duration latency) {}

  static BenchReport of(
      Tally.Snapshot tally, Duration total, String endReason, JsonObject options, Instant date) {
    Histogram latencies = tally.latencies();
    boolean timed = latencies.getTotalCount() > 0;
    long fastest = tally.fastestNanos();
    long slowest = tally.slowestNanos();
    List<Percentile> percentiles = new ArrayList<>();
    if (timed) {
      for (int percentage : PERCENTAGES) {
        long nanos = latencies.getValueAtPercentile(percentage) * 1000;
        percentiles.add(
            new Percentile(percentage, Duration.ofNanos(clamp(nanos, fastest, slowest))));
      }
    }
    double seconds = total.toNanos() / 1e9;
    return new BenchReport(
        date,
        endReason,
        options,
        tally.count(),
        total,
        Duration.ofNanos(tally.count() == 0 ? 0 : tally.totalNanos() / tally.count()),
        Duration.ofNanos(fastest),
        Duration.ofNanos(slowest),
        seconds > 0 ? tally.count() / seconds : 0,
        timed ? buckets(latencies, fastest, slowest) : List.of(),
        List.copyOf(percentiles),
        byCount(tally.statusCodes()),
        byCount(tally.errors()));
  }

  /**
   * Eleven marks as ghz sets them: the fastest call, nine equal steps, the slowest call. Each
   * recorded value counts for the first mark at or above it. A value HdrHistogram holds stands for
   * a range up to 0.1 % wide; it counts as the low end of that range, kept within fastest and
   * slowest (which are exact), so that the fastest call lands on the first mark.
   */
  private static List<Bucket> buckets(Histogram latencies, long fastest, long slowest) {
    int steps = 10;
    double[] marks = new double[steps + 1];
    long[] counts = new long[steps + 1];
    for (int i = 0; i < steps; i++) {
      marks[i] = fastest + (slowest - fastest) * i / (double) steps;
    }
    marks[steps] = slowest;
    for (HistogramIterationValue value : latencies.recordedValues()) {
      long nanos =
          clamp(
              latencies.lowestEquivalentValue(value.getValueIteratedTo()) * 1000, fastest, slowest);
      int bucket = 0;
      while (bucket < steps && nanos > marks[bucket]) {
        bucket++;
      }
      counts[bucket] += value.getCountAtValueIteratedTo();
    }
    List<Bucket> buckets = new ArrayList<>();
    for (int i = 0; i <= steps; i++) {
      buckets.add(
          new Bucket(
              Duration.ofNanos(Math.round(marks[i])),
              counts[i],
              counts[i] / (double) latencies.getTotalCount()));
    }
    return List.copyOf(buckets);
  }

  private static long clamp(long value, long low, long high) {
    return Math.max(low, Math.min(high, value));
  }

  /** Most frequent first, then by name, so the order is stable between runs. */
  private static Map<String, Long> byCount(Map<String, Long> counts) {
    Map<String, Long> ordered = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(entry -> ordered.put(entry.getKey(), entry.getValue()));
    return ordered;
  }

  /**
   * ghz's JSON report ({@code -O json}): the same field names, durations in nanoseconds, histogram
   * marks in seconds. ghz's per-call {@code details} are not kept: the driver records into a
   * histogram, not a list of calls.
   */
  JsonObject json() {
    JsonArray buckets = new JsonArray();
    histogram.forEach(
        bucket ->
            buckets.add(
                new JsonObject()
                    .put("mark", bucket.mark().toNanos() / 1e9)
                    .put("count", bucket.count())
                    .put("frequency", bucket.frequency())));
    JsonArray percentiles = new JsonArray();
    latencyDistribution.forEach(
        percentile ->
            percentiles.add(
                new JsonObject()
                    .put("percentage", percentile.percentage())
                    .put("latency", percentile.latency().toNanos())));
    return new JsonObject()
        .put(
            "date",
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                date.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)))
        .put("endReason", endReason)
        .put("options", options)
        .put("count", count)
        .put("total", total.toNanos())
        .put("average", average.toNanos())
        .put("fastest", fastest.toNanos())
        .put("slowest", slowest.toNanos())
        .put("rps", rps)
        .put("errorDistribution", new JsonObject(new LinkedHashMap<>(errorDistribution)))
        .put("statusCodeDistribution", new JsonObject(new LinkedHashMap<>(statusCodeDistribution)))
        .put("latencyDistribution", percentiles)
        .put("histogram", buckets);
  }
}
