package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
    int status = 0;
    Path stateDir = Files.createTempDirectory("bastion-large-stream-");
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (GatewayProcess gateway = GatewayProcess.start(repo.toAbsolutePath(), stateDir, 0);
        BastionClient client =
            BastionClient.connect(gateway.port(), GatewayProcess.token(stateDir));
        SandboxLease sandbox = client.create()) {
      GatewayMemory before = GatewayMemory.measure(gateway.pid());
      long heapBefore = before.heapKiB();
      long rssBefore = before.rssKiB();
      AtomicLong heapMax = new AtomicLong(heapBefore);
      AtomicLong rssMax = new AtomicLong(rssBefore);
      JsonArray samples = new JsonArray();
      long begin = System.nanoTime();
      Runnable sample =
          () -> {
            GatewayMemory now = GatewayMemory.measure(gateway.pid());
            long heap = now.heapKiB();
            long rss = now.rssKiB();
            heapMax.accumulateAndGet(heap, Math::max);
            rssMax.accumulateAndGet(rss, Math::max);
            synchronized (samples) {
              samples.add(
                  new JsonObject()
                      .put("t_s", (System.nanoTime() - begin) / 1e9)
                      .put("heap_after_gc_kib", heap)
                      .put("rss_kib", rss));
            }
          };
      sampler.scheduleWithFixedDelay(sample, sampleSeconds, sampleSeconds, TimeUnit.SECONDS);
      StreamResult result =
          BastionClient.await(
              client.pacedExec(
                  sandbox.id(),
                  List.of("head", "-c", Long.toString(bytes), "/dev/zero"),
                  rateMiB * (1L << 20)));
      double seconds = (System.nanoTime() - begin) / 1e9;
      sampler.shutdown();
      sampler.awaitTermination(1, TimeUnit.MINUTES);
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
              .put("client_rate_mib_per_s", rateMiB)
              .put("exit_code", result.exitCode()));
      report.put(
          "gateway_memory",
          new JsonObject()
              .put("heap_after_gc_before_kib", heapBefore)
              .put("heap_after_gc_max_kib", heapMax.get())
              .put("heap_growth_kib", heapMax.get() - heapBefore)
              .put("rss_before_kib", rssBefore)
              .put("rss_max_kib", rssMax.get())
              .put("samples", samples));
    } catch (Exception e) {
      report.put("error", e.toString());
      status = 1;
    } finally {
      sampler.shutdownNow();
    }
    if (Containers.removeLeaked(stateDir, report)) {
      status = 1;
    }
    report.emit(out);
    return status;
  }

  /** How a paced stream ended: bytes of stdout received and the exit code. */
  record StreamResult(long received, int exitCode) {}
}
