package dev.bastion.loadtest;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latencies of one kind of call, kept in microseconds and reported in milliseconds. */
final class LatencyRecorder {

  /** Ten minutes bounds any call we time, with three significant digits of precision. */
  private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);

  /** Synchronized: concurrent calls may complete on different event loops. */
  synchronized void record(long nanos) {
    histogram.recordValue(TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  synchronized double percentileMs(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  synchronized JsonObject summary() {
    return new JsonObject()
        .put("count", histogram.getTotalCount())
        .put("p50_ms", percentileMs(50))
        .put("p90_ms", percentileMs(90))
        .put("p99_ms", percentileMs(99))
        .put("max_ms", histogram.getMaxValue() / 1000.0);
  }
}
