package dev.bastion.loadtest;

import dev.bastion.loadtest.bench.LatencyRecorder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times the same Run two ways — through the gateway and directly against sandboxd, or through the
 * gateway with and without a policy. The two variants alternate in blocks, with the first swapped
 * every round, so drift on a shared machine (other builds, GC, the sandbox warming up) hits both
 * alike and the ratio stays fair.
 */
final class RunComparison {

  /**
   * One way of making the call.
   *
   * @param before runs before each of this variant's blocks, untimed (e.g. applies a policy)
   */
  record Variant(String name, Endpoint endpoint, Runnable before) {
    static Variant of(Endpoint endpoint) {
      return new Variant(endpoint.name(), endpoint, () -> {});
    }
  }

  private final BastionClient client;
  private final String sandboxId;
  private final BenchmarkOptions options;

  RunComparison(BastionClient client, String sandboxId, BenchmarkOptions options) {
    this.client = client;
    this.sandboxId = sandboxId;
    this.options = options;
  }

  /** Report keys: each variant's name, and {@code ratio_p50}/{@code ratio_p99} of first/second. */
  JsonObject measure(List<String> argv, int concurrency, Variant first, Variant second) {
    first.before().run();
    runBlock(first.endpoint(), argv, options.warmup(), concurrency, new LatencyRecorder());
    second.before().run();
    runBlock(second.endpoint(), argv, options.warmup(), concurrency, new LatencyRecorder());
    LatencyRecorder firstLatency = new LatencyRecorder();
    LatencyRecorder secondLatency = new LatencyRecorder();
    long firstNanos = 0;
    long secondNanos = 0;
    for (int done = 0, round = 0; done < options.runs(); done += options.block(), round++) {
      int calls = Math.min(options.block(), options.runs() - done);
      boolean firstFirst = round % 2 == 0;
      if (firstFirst) {
        first.before().run();
        firstNanos += runBlock(first.endpoint(), argv, calls, concurrency, firstLatency);
      }
      second.before().run();
      secondNanos += runBlock(second.endpoint(), argv, calls, concurrency, secondLatency);
      if (!firstFirst) {
        first.before().run();
        firstNanos += runBlock(first.endpoint(), argv, calls, concurrency, firstLatency);
      }
    }
    JsonObject firstSummary = withThroughput(firstLatency, firstNanos);
    JsonObject secondSummary = withThroughput(secondLatency, secondNanos);
    return new JsonObject()
        .put("argv", String.join(" ", argv))
        .put("concurrency", concurrency)
        .put(first.name(), firstSummary)
        .put(second.name(), secondSummary)
        .put("ratio_p50", firstLatency.percentileMs(50) / secondLatency.percentileMs(50))
        .put("ratio_p99", firstLatency.percentileMs(99) / secondLatency.percentileMs(99))
        .put(
            "ratio_calls_per_s",
            firstSummary.getDouble("calls_per_s") / secondSummary.getDouble("calls_per_s"));
  }

  private static JsonObject withThroughput(LatencyRecorder recorder, long nanos) {
    JsonObject summary = recorder.summary();
    double seconds = nanos / (double) TimeUnit.SECONDS.toNanos(1);
    return summary.put("calls_per_s", summary.getLong("count") / seconds);
  }

  /** Makes {@code calls} calls with {@code concurrency} outstanding; returns the wall time. */
  private long runBlock(
      Endpoint endpoint, List<String> argv, int calls, int concurrency, LatencyRecorder recorder) {
    AtomicInteger remaining = new AtomicInteger(calls);
    List<Future<Void>> lanes = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < Math.min(concurrency, calls); i++) {
      lanes.add(lane(endpoint, argv, remaining, recorder));
    }
    BastionClient.await(Future.all(lanes));
    return System.nanoTime() - start;
  }

  /** One outstanding call at a time, the next starting as soon as the previous one answers. */
  private Future<Void> lane(
      Endpoint endpoint, List<String> argv, AtomicInteger remaining, LatencyRecorder recorder) {
    if (remaining.getAndDecrement() <= 0) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return client
        .run(endpoint, sandboxId, argv)
        .compose(
            result -> {
              recorder.record(System.nanoTime() - start);
              return lane(endpoint, argv, remaining, recorder);
            });
  }
}
