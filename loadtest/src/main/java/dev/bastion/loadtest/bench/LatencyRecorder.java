package dev.bastion.loadtest.bench;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one kind of call, kept in microseconds (HdrHistogram, three significant digits) and
 * reported in milliseconds. Shared by the benchmarks and the load driver ({@code bastion bench}).
 */
public final class LatencyRecorder {

  /**
   * Ten minutes covers any call a benchmark times; the histogram grows beyond that for the load
   * driver, whose streaming calls may run as long as the user asks.
   */
  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);

  public LatencyRecorder() {
    histogram.setAutoResize(true);
  }

  /** Synchronized: concurrent calls may complete on different event loops. */
  public synchronized void record(long nanos) {
    histogram.recordValue(TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  public synchronized double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  public synchronized JsonObject summary() {
    return new JsonObject()
        .put("count", histogram.getTotalCount())
        .put("p50_ms", percentileMs(50))
        .put("p90_ms", percentileMs(90))
        .put("p99_ms", percentileMs(99))
        .put("max_ms", histogram.getMaxValue() / 1000.0);
  }

  /** A copy of what was recorded so far, in microseconds, for reports that need more. */
  public synchronized Histogram snapshot() {
    return histogram.copy();
  }
}
