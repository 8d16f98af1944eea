package dev.bastion.loadtest;

import dev.bastion.api.v1.RunResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 21's benchmark, sandboxd against gVisor's floor: {@code Run(["true"])} and {@code
 * Run(["python3","-c","pass"])} at concurrency 1, directly on sandboxd and through the gateway
 * ({@link PathComparison}), and in the same sandbox, between them, the same two spawns made by
 * Python's {@code subprocess.run} — what a process costs under gVisor with no sandboxd in the way.
 * Each round gives its own ratios (sandboxd over the floor, gateway over sandboxd); the report has
 * every round and the medians.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.SpawnFloorBenchmark
 * [--smoke] [--calls N] [--rounds N] [--warmup N] [--repo DIR] [--out FILE]}
 */
public final class SpawnFloorBenchmark {

  private static final String RUN = "bastion.v1.Processes/Run";
  private static final List<String> TRUE = List.of("true");
  private static final List<String> PYTHON = List.of("python3", "-c", "pass");

  /** Python's own spawns, timed in the sandbox: median milliseconds as JSON. */
  private static final String FLOOR_SCRIPT =
      """
      import json, statistics, subprocess, sys, time
      def median_ms(argv, n):
          times = []
          for _ in range(n):
              start = time.perf_counter()
              subprocess.run(argv, check=True)
              times.append((time.perf_counter() - start) * 1000)
          return statistics.median(times)
      n = int(sys.argv[1])
      print(json.dumps({"true_ms": median_ms(["true"], n),
                        "python_ms": median_ms(["python3", "-c", "pass"], max(3, n // 5))}))
      """;

  private SpawnFloorBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** What the flags asked for. */
  private record Plan(int calls, int rounds, int warmup) {
    int pythonCalls() {
      return Math.max(3, calls / 5);
    }
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    int calls = 200;
    int rounds = 3;
    int warmup = 200;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          calls = 10;
          rounds = 1;
          warmup = 5;
        }
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("SpawnFloorBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Plan plan = new Plan(calls, rounds, warmup);
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("call", RUN)
            .put("concurrency", 1)
            .put("calls_per_measurement_true", calls)
            .put("calls_per_measurement_python", plan.pythonCalls())
            .put("rounds", rounds)
            .put("warmup_calls_per_path", warmup)
            .put("floor", "subprocess.run in the same sandbox, median of the same counts"));
    return OwnServerRun.run(
        "spawn-floor",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          try (SandboxLease sandbox = client.create()) {
            String id = sandbox.id();
            PathComparison runTrue = comparison(stateDir, gateway.port(), id, TRUE);
            PathComparison runPython = comparison(stateDir, gateway.port(), id, PYTHON);
            runTrue.warm(1, plan.warmup());
            runPython.warm(1, Math.max(1, plan.warmup() / 5));
            floor(client, id, plan.calls()); // warms Python's side too
            JsonArray measured = measure(client, id, runTrue, runPython, plan);
            report.put("rounds", measured);
            report.put("medians", medians(measured));
          }
        });
  }

  private static PathComparison comparison(
      Path stateDir, int port, String sandboxId, List<String> argv) {
    return new PathComparison(
        stateDir,
        GatewayProcess.token(stateDir),
        port,
        List.of(sandboxId),
        RUN,
        id -> new JsonObject().put("sandbox_id", id).put("argv", argv));
  }

  private static JsonArray measure(
      BastionClient client,
      String id,
      PathComparison runTrue,
      PathComparison runPython,
      Plan plan) {
    JsonArray rounds = new JsonArray();
    for (int round = 0; round < plan.rounds(); round++) {
      JsonObject trueCalls = runTrue.compare(1, plan.calls(), 1);
      JsonObject floor = floor(client, id, plan.calls());
      JsonObject pythonCalls = runPython.compare(1, plan.pythonCalls(), 1);
      double trueDirect = trueCalls.getDouble("median_direct_p50_ms");
      double pythonDirect = pythonCalls.getDouble("median_direct_p50_ms");
      rounds.add(
          new JsonObject()
              .put("run_true", trueCalls)
              .put("run_python", pythonCalls)
              .put("floor", floor)
              .put("true_direct_over_floor", trueDirect / floor.getDouble("true_ms"))
              .put("python_direct_over_floor", pythonDirect / floor.getDouble("python_ms"))
              .put("true_gateway_over_direct", trueCalls.getDouble("median_ratio_p50")));
    }
    return rounds;
  }

  private static JsonObject medians(JsonArray rounds) {
    return new JsonObject()
        .put("true_direct_p50_ms", median(rounds, "run_true", "median_direct_p50_ms"))
        .put("true_gateway_p50_ms", median(rounds, "run_true", "median_gateway_p50_ms"))
        .put("python_direct_p50_ms", median(rounds, "run_python", "median_direct_p50_ms"))
        .put("floor_true_ms", median(rounds, "floor", "true_ms"))
        .put("floor_python_ms", median(rounds, "floor", "python_ms"))
        .put("true_direct_over_floor", median(rounds, "true_direct_over_floor"))
        .put("python_direct_over_floor", median(rounds, "python_direct_over_floor"))
        .put("true_gateway_over_direct", median(rounds, "true_gateway_over_direct"));
  }

  private static double median(JsonArray rounds, String part, String field) {
    return PathComparison.median(rounds, r -> r.getJsonObject(part).getDouble(field));
  }

  private static double median(JsonArray rounds, String field) {
    return PathComparison.median(rounds, r -> r.getDouble(field));
  }

  /** The floor: Python's own spawns of the same commands in the sandbox. */
  private static JsonObject floor(BastionClient client, String id, int calls) {
    RunResult result =
        BastionClient.await(
            client.run(
                client.gateway(),
                id,
                List.of("python3", "-c", FLOOR_SCRIPT, Integer.toString(calls))));
    if (result.getExitCode() != 0) {
      throw new IllegalStateException(
          "the floor script failed: " + result.getStderr().toStringUtf8().strip());
    }
    return new JsonObject(result.getStdout().toStringUtf8());
  }
}
