package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 7's scenario (a): {@code Processes.Run} of {@code true} at several concurrencies, through
 * the gateway and directly against the sandboxes' sandboxd, in one run ({@link PathComparison}).
 * The calls are spread over {@code --sandboxes} sandboxes, because one gVisor sandbox cannot hold
 * 100 processes at once under its task limit.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.RunOverheadBenchmark
 * [--smoke] [--concurrency 1,10,100] [--calls N] [--rounds N] [--warmup N] [--sandboxes N] [--repo
 * DIR] [--out FILE]}
 */
public final class RunOverheadBenchmark {

  private static final String RUN = "bastion.v1.Processes/Run";

  private final PathComparison paths;

  private RunOverheadBenchmark(PathComparison paths) {
    this.paths = paths;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    List<Integer> concurrencies = List.of(1, 10, 100);
    int calls = 2000;
    int rounds = 3;
    int warmup = 1000;
    int sandboxes = 5;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          concurrencies = List.of(1, 10);
          calls = 20;
          rounds = 1;
          warmup = 10;
          sandboxes = 2;
        }
        case "--concurrency" ->
            concurrencies = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--sandboxes" -> sandboxes = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("RunOverheadBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("call", RUN)
            .put("argv", new JsonArray().add("true"))
            .put("calls_per_measurement", calls)
            .put("rounds", rounds)
            .put("sandboxes", sandboxes)
            .put("warmup_calls_per_path", warmup));
    Plan plan = new Plan(concurrencies, calls, rounds, warmup, sandboxes);
    return OwnServerRun.run(
        "run-overhead",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          try (SandboxLeases leases = SandboxLeases.create(client, plan.sandboxes())) {
            new RunOverheadBenchmark(
                    new PathComparison(
                        stateDir,
                        GatewayProcess.token(stateDir),
                        gateway.port(),
                        leases.ids(),
                        RUN,
                        id -> new JsonObject().put("sandbox_id", id).put("argv", List.of("true"))))
                .measure(plan, report);
          }
        });
  }

  /** What the flags asked for. */
  private record Plan(
      List<Integer> concurrencies, int calls, int rounds, int warmup, int sandboxes) {}

  private void measure(Plan plan, Report report) {
    paths.warm(10, plan.warmup());
    JsonArray results = new JsonArray();
    for (int concurrency : plan.concurrencies()) {
      results.add(paths.compare(concurrency, Math.max(plan.calls(), concurrency), plan.rounds()));
    }
    report.put("run_true", results);
  }
}
