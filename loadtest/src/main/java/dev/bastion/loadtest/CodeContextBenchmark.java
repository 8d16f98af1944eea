package dev.bastion.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 20's benchmark, code contexts: the round trip of the cell {@code 1+1} in a warm context
 * through the gateway and directly on sandboxd in one run ({@link PathComparison}, concurrency 1);
 * the time from {@code Contexts.Create} to the first result of a cell in the new context (a kernel
 * starting under gVisor); and what an idle context costs the host, as the growth of the sandbox's
 * runsc RSS over a few idle contexts.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.CodeContextBenchmark
 * [--smoke] [--calls N] [--rounds N] [--warmup N] [--starts N] [--idle-contexts N] [--repo DIR]
 * [--out FILE]}
 */
public final class CodeContextBenchmark {

  private static final String RUN_CODE = "bastion.v1.Contexts/RunCode";
  private static final String CELL = "1+1";

  /** Lets a kernel's start-up garbage settle before the sandbox's RSS is read. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private CodeContextBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** What the flags asked for. */
  private record Plan(int calls, int rounds, int warmup, int starts, int idleContexts) {}

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    int calls = 500;
    int rounds = 3;
    int warmup = 200;
    int starts = 5;
    int idleContexts = 4;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          calls = 20;
          rounds = 1;
          warmup = 10;
          starts = 1;
          idleContexts = 1;
        }
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--starts" -> starts = Integer.parseInt(args[++i]);
        case "--idle-contexts" -> idleContexts = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("CodeContextBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Plan plan = new Plan(calls, rounds, warmup, starts, idleContexts);
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("cell", CELL)
            .put("round_trip_call", RUN_CODE)
            .put("calls_per_measurement", calls)
            .put("rounds", rounds)
            .put("warmup_calls_per_path", warmup)
            .put("starts", starts)
            .put("idle_contexts", idleContexts)
            .put("settle_seconds", SETTLE.toSeconds()));
    return OwnServerRun.run(
        "code-contexts",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          try (SandboxLease sandbox = client.create()) {
            String id = sandbox.id();
            report.put("create_to_first_result", createToFirstResult(client, id, plan.starts()));
            report.put("idle_context_memory", idleMemory(client, id, plan.idleContexts()));
            String context =
                BastionClient.await(client.createContext(client.gateway(), id)).getId();
            PathComparison paths =
                new PathComparison(
                    stateDir,
                    GatewayProcess.token(stateDir),
                    gateway.port(),
                    List.of(id),
                    RUN_CODE,
                    box ->
                        new JsonObject()
                            .put("sandbox_id", box)
                            .put("context_id", context)
                            .put("code", CELL));
            paths.warm(1, plan.warmup());
            report.put("cell_round_trip", paths.compare(1, plan.calls(), plan.rounds()));
          }
        });
  }

  /**
   * {@code starts} new contexts one after another, each timed from the Create call to the first
   * result of its first cell, then deleted.
   */
  private static JsonObject createToFirstResult(BastionClient client, String sandbox, int starts) {
    JsonArray millis = new JsonArray();
    for (int i = 0; i < starts; i++) {
      long begin = System.nanoTime();
      String context = BastionClient.await(client.createContext(client.gateway(), sandbox)).getId();
      long created = System.nanoTime();
      long first =
          BastionClient.await(client.firstResult(client.gateway(), sandbox, context, CELL));
      millis.add(
          new JsonObject()
              .put("create_ms", (created - begin) / 1e6)
              .put("first_result_ms", (first - begin) / 1e6));
      BastionClient.await(client.deleteContext(client.gateway(), sandbox, context));
    }
    return new JsonObject()
        .put("starts", millis)
        .put("median_create_ms", PathComparison.median(millis, s -> s.getDouble("create_ms")))
        .put(
            "median_first_result_ms",
            PathComparison.median(millis, s -> s.getDouble("first_result_ms")));
  }

  /**
   * The sandbox's host RSS with no context, then with {@code count} idle ones (each has run one
   * cell, so its kernel is fully up), after {@link #SETTLE} each time.
   */
  private static JsonObject idleMemory(BastionClient client, String sandbox, int count)
      throws InterruptedException {
    Thread.sleep(SETTLE.toMillis());
    long before = IdleMemory.sandboxKiB(sandbox);
    List<String> contexts = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String context =
            BastionClient.await(client.createContext(client.gateway(), sandbox)).getId();
        contexts.add(context);
        BastionClient.await(client.firstResult(client.gateway(), sandbox, context, CELL));
      }
      Thread.sleep(SETTLE.toMillis());
      long after = IdleMemory.sandboxKiB(sandbox);
      return new JsonObject()
          .put("sandbox_kib_without_contexts", before)
          .put("sandbox_kib_with_contexts", after)
          .put("contexts", count)
          .put("kib_per_idle_context", (after - before) / count);
    } finally {
      contexts.forEach(
          context -> BastionClient.await(client.deleteContext(client.gateway(), sandbox, context)));
    }
  }
}
