package dev.bastion.loadtest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Times the same Run through the gateway and directly against the sandbox's sandboxd. The two paths
 * alternate in blocks, with the first path swapped every round, so drift on a shared machine (other
 * builds, GC, the sandbox warming up) hits both alike and the ratio stays fair.
 */
final class RunComparison {

  private final BastionClient client;
  private final String sandboxId;
  private final Endpoint gateway;
  private final Endpoint direct;
  private final BenchmarkOptions options;

  RunComparison(BastionClient client, String sandboxId, Endpoint direct, BenchmarkOptions options) {
    this.client = client;
    this.sandboxId = sandboxId;
    this.gateway = client.gateway();
    this.direct = direct;
    this.options = options;
  }

  JsonObject measure(List<String> argv, int concurrency) {
    runBlock(gateway, argv, options.warmup(), concurrency, new LatencyRecorder());
    runBlock(direct, argv, options.warmup(), concurrency, new LatencyRecorder());
    LatencyRecorder viaGateway = new LatencyRecorder();
    LatencyRecorder viaDirect = new LatencyRecorder();
    long gatewayNanos = 0;
    long directNanos = 0;
    for (int done = 0, round = 0; done < options.runs(); done += options.block(), round++) {
      int calls = Math.min(options.block(), options.runs() - done);
      boolean gatewayFirst = round % 2 == 0;
      if (gatewayFirst) {
        gatewayNanos += runBlock(gateway, argv, calls, concurrency, viaGateway);
      }
      directNanos += runBlock(direct, argv, calls, concurrency, viaDirect);
      if (!gatewayFirst) {
        gatewayNanos += runBlock(gateway, argv, calls, concurrency, viaGateway);
      }
    }
    return new JsonObject()
        .put("argv", String.join(" ", argv))
        .put("concurrency", concurrency)
        .put("gateway", withThroughput(viaGateway, gatewayNanos))
        .put("direct", withThroughput(viaDirect, directNanos))
        .put("ratio_p50", viaGateway.percentileMs(50) / viaDirect.percentileMs(50))
        .put("ratio_p99", viaGateway.percentileMs(99) / viaDirect.percentileMs(99));
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
