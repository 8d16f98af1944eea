package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmarks embedded mode end to end: cold create latency, the gateway's Run overhead over calling
 * sandboxd directly, and the memory of the gateway and of an idle sandbox. Prints a report,
 * optionally writes it as JSON, and exits non-zero on any error but never on timings, so {@code
 * --smoke} can gate CI without flaking on a slow machine.
 */
public final class EmbeddedBenchmark {

  private EmbeddedBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("EmbeddedBenchmark: " + e.getMessage() + "\n" + BenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    int status = 0;
    try {
      if (options.attached()) {
        measure(
            options,
            options.port(),
            options.token(),
            options.stateDir(),
            options.gatewayPid(),
            report);
      } else {
        measureOwnGateway(options, report);
      }
    } catch (Exception e) {
      StringBuilder error = new StringBuilder(e.toString());
      for (Throwable suppressed : e.getSuppressed()) {
        error.append("; also ").append(suppressed);
      }
      report.put("error", error.toString());
      status = 1;
    }
    report.emit(options.out());
    System.exit(status);
  }

  /**
   * Starts a gateway on a state directory of its own, so every container under it is ours: after
   * the server stops, any that remain are a leak, removed and reported as an error.
   */
  private static void measureOwnGateway(BenchmarkOptions options, Report report) throws Exception {
    Path stateDir =
        options.stateDir() != null
            ? options.stateDir().toAbsolutePath()
            : Files.createTempDirectory("bastion-bench-");
    Exception failure = null;
    try (GatewayProcess gateway = GatewayProcess.start(options.repo(), stateDir, 0)) {
      report.put(
          "gateway",
          new JsonObject()
              .put("state_dir", stateDir.toString())
              .put("startup_ms", gateway.startup().toMillis()));
      measure(
          options, gateway.port(), GatewayProcess.token(stateDir), stateDir, gateway.pid(), report);
    } catch (Exception e) {
      failure = e;
    }
    List<String> leaked = Containers.list(stateDir);
    for (String id : leaked) {
      Containers.forceDelete(stateDir, id);
    }
    report.put("leaked_containers", new JsonArray(leaked));
    if (!leaked.isEmpty()) {
      // Reported alongside, never instead of, the failure that probably caused the leak.
      IllegalStateException leak =
          new IllegalStateException("runsc containers left behind (now removed): " + leaked);
      if (failure == null) {
        failure = leak;
      } else {
        failure.addSuppressed(leak);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void measure(
      BenchmarkOptions options,
      int port,
      String token,
      Path stateDir,
      Long gatewayPid,
      Report report)
      throws InterruptedException {
    try (BastionClient client = BastionClient.connect(port, token)) {
      report.put("cold_create", new ColdCreateBenchmark(client).measure(options.creates()));
      report.put("memory", new IdleMemory(client).measure(options.idle(), gatewayPid));
      try (SandboxLease lease = client.create()) {
        RunComparison runs = new RunComparison(client, lease.id(), options);
        RunComparison.Variant gateway = RunComparison.Variant.of(client.gateway());
        RunComparison.Variant direct =
            RunComparison.Variant.of(BastionClient.direct(stateDir, lease.id()));
        report.put("run_true", runs.measure(List.of("true"), 1, gateway, direct));
        report.put(
            "run_python", runs.measure(List.of("python3", "-c", "pass"), 1, gateway, direct));
        // Last: it is the heaviest load on one sandbox, and a sandbox it breaks must not cost
        // the other measurements.
        report.put("run_true_c10", runs.measure(List.of("true"), 10, gateway, direct));
      }
    }
  }
}
