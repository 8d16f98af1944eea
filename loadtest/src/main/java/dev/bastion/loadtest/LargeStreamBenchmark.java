package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Issue 7's scenario (c): one process writes a large amount to stdout ({@code head -c N /dev/zero},
 * 1 GiB by default) and the client reads it through the gateway at its own pace ({@code --rate}
 * MiB/s, pausing the stream between slices), so the gateway must pass the slow reader's
 * backpressure to the sandbox instead of buffering. Every few seconds the gateway's heap is
 * measured after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}): what the gateway
 * retains, not the garbage a stream leaves for the next collection. The report has the heap before
 * the stream, the largest retained heap during it, the growth between the two, and the RSS.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.LargeStreamBenchmark
 * [--smoke] [--bytes N] [--rate MiB/s] [--sample-seconds N] [--repo DIR] [--out FILE]}
 */
public final class LargeStreamBenchmark {

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    long bytes = 1L << 30;
    int rateMiB = 64;
    int sampleSeconds = 2;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          bytes = 32L << 20;
          rateMiB = 64;
          sampleSeconds = 1;
        }
        case "--bytes" -> bytes = Long.parseLong(args[++i]);
        case "--rate" -> rateMiB = Integer.parseInt(args[++i]);
        case "--sample-seconds" -> sampleSeconds = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("LargeStreamBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    long streamBytes = bytes;
    long bytesPerSecond = rateMiB * (1L << 20);
    Duration samplePeriod = Duration.ofSeconds(sampleSeconds);
    return OwnServerRun.run(
        "large-stream",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          try (SandboxLease sandbox = client.create()) {
            measure(
                gateway.pid(),
                client,
                sandbox.id(),
                streamBytes,
                bytesPerSecond,
                samplePeriod,
                report);
          }
        });
  }

  /**
   * Streams {@code bytes} to a reader at {@code bytesPerSecond}, measuring the gateway's memory
   * every {@code samplePeriod} and once after the end.
   */
  private static void measure(
      long gatewayPid,
      BastionClient client,
      String sandboxId,
      long bytes,
      long bytesPerSecond,
      Duration samplePeriod,
      Report report)
      throws InterruptedException {
    GatewayMemory before = GatewayMemory.measure(gatewayPid);
    List<Sample> during = new CopyOnWriteArrayList<>();
    long begin = System.nanoTime();
    Runnable sample =
        () ->
            during.add(
                new Sample((System.nanoTime() - begin) / 1e9, GatewayMemory.measure(gatewayPid)));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    StreamResult result;
    double seconds;
    try {
      sampler.scheduleWithFixedDelay(
          sample, samplePeriod.toMillis(), samplePeriod.toMillis(), TimeUnit.MILLISECONDS);
      result =
          BastionClient.await(
              client.pacedExec(
                  sandboxId,
                  List.of("head", "-c", Long.toString(bytes), "/dev/zero"),
                  bytesPerSecond));
      seconds = (System.nanoTime() - begin) / 1e9;
      sampler.shutdown();
      sampler.awaitTermination(1, TimeUnit.MINUTES);
    } finally {
      sampler.shutdownNow();
    }
    // One more after the end: a short stream may finish before the first sample.
    sample.run();
    if (result.received() != bytes || result.exitCode() != 0) {
      throw new IllegalStateException(
          "expected "
              + bytes
              + " bytes and exit 0, got "
              + result.received()
              + " bytes and exit "
              + result.exitCode());
    }
    report.put(
        "stream",
        new JsonObject()
            .put("bytes", result.received())
            .put("seconds", seconds)
            .put("mib_per_s", result.received() / (1024.0 * 1024.0) / seconds)
            .put("client_rate_mib_per_s", bytesPerSecond >> 20)
            .put("exit_code", result.exitCode()));
    long heapMax = before.heapKiB();
    long rssMax = before.rssKiB();
    JsonArray samples = new JsonArray();
    for (Sample taken : during) {
      heapMax = Math.max(heapMax, taken.memory().heapKiB());
      rssMax = Math.max(rssMax, taken.memory().rssKiB());
      samples.add(taken.memory().json().put("t_s", taken.seconds()));
    }
    report.put(
        "gateway_memory",
        new JsonObject()
            .put("heap_after_gc_before_kib", before.heapKiB())
            .put("heap_after_gc_max_kib", heapMax)
            .put("heap_growth_kib", heapMax - before.heapKiB())
            .put("rss_before_kib", before.rssKiB())
            .put("rss_max_kib", rssMax)
            .put("samples", samples));
  }

  /** The gateway's memory {@code seconds} after the stream began. */
  private record Sample(double seconds, GatewayMemory memory) {}

  /** How a paced stream ended: bytes of stdout received and the exit code. */
  record StreamResult(long received, int exitCode) {}
}
