package dev.bastion.loadtest.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The results of a run as ghz counts them: every call in the count, the status and error
 * distributions and the average; fastest, slowest, histogram and percentiles over the calls that
 * succeeded, unless {@code --count-errors}. The first {@code --skipFirst} results are left out.
 */
final class Tally {

  /**
   * What was counted up to one moment.
   *
   * @param latencies of the timed calls, in microseconds
   * @param fastestNanos exact, as are {@code slowestNanos}: the histogram's are rounded to its
   *     precision
   */
  record Snapshot(
      long count,
      long totalNanos,
      Histogram latencies,
      long fastestNanos,
      long slowestNanos,
      Map<String, Long> statusCodes,
      Map<String, Long> errors) {}

  private final boolean countErrors;
  private final long skipFirst;
  private final LatencyRecorder latencies = new LatencyRecorder();
  private final Map<String, Long> statusCodes = new TreeMap<>();
  private final Map<String, Long> errors = new TreeMap<>();
  private long seen;
  private long count;
  private long totalNanos;
  private long fastestNanos = Long.MAX_VALUE;
  private long slowestNanos;

  Tally(boolean countErrors, long skipFirst) {
    this.countErrors = countErrors;
    this.skipFirst = skipFirst;
  }

  /** Synchronized: calls end on every event loop. */
  synchronized void record(CallOutcome outcome, long nanos) {
    if (seen++ < skipFirst) {
      return;
    }
    count++;
    totalNanos += nanos;
    statusCodes.merge(outcome.statusName(), 1L, Long::sum);
    if (!outcome.ok()) {
      errors.merge(outcome.error(), 1L, Long::sum);
    }
    if (outcome.ok() || countErrors) {
      latencies.record(nanos);
      fastestNanos = Math.min(fastestNanos, nanos);
      slowestNanos = Math.max(slowestNanos, nanos);
    }
  }

  synchronized Snapshot snapshot() {
    Histogram timed = latencies.snapshot();
    return new Snapshot(
        count,
        totalNanos,
        timed,
        timed.getTotalCount() == 0 ? 0 : fastestNanos,
        slowestNanos,
        Map.copyOf(statusCodes),
        Map.copyOf(errors));
  }
}
