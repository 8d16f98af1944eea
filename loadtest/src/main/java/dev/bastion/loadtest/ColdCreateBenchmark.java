package dev.bastion.loadtest;

import dev.bastion.loadtest.bench.LatencyRecorder;
import io.vertx.core.json.JsonObject;

/**
 * Cold Create→READY latency: one sandbox at a time, deleted before the next, so each create pays
 * the full start (runsc boot, sandboxd's JVM under gVisor) and none competes with another.
 */
final class ColdCreateBenchmark {

  private final BastionClient client;

  ColdCreateBenchmark(BastionClient client) {
    this.client = client;
  }

  JsonObject measure(int creates) {
    LatencyRecorder recorder = new LatencyRecorder();
    for (int i = 0; i < creates; i++) {
      long start = System.nanoTime();
      try (SandboxLease lease = client.create()) {
        recorder.record(System.nanoTime() - start);
      }
    }
    return recorder.summary();
  }
}
