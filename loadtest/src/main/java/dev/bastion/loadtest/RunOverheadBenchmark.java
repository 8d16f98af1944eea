package dev.bastion.loadtest;

import dev.bastion.loadtest.bench.BenchCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Issue 7's scenario (a): {@code Processes.Run} of {@code true} at several concurrencies, through
 * the gateway and directly against the sandboxes' sandboxd, with the {@code bastion bench} driver
 * for both, in one run. The calls are spread over {@code --sandboxes} sandboxes the same way on
 * both paths — call n goes to sandbox n mod N (a {@code -d} array through the gateway, one target
 * per sandboxd socket directly) — because one gVisor sandbox cannot hold 100 processes at once
 * under its task limit. The paths alternate (gateway first in odd rounds, direct first in even
 * ones), so a slower moment of the machine lands on both; each round gives a ratio of its own, and
 * the report has every round and the medians.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.RunOverheadBenchmark
 * [--smoke] [--concurrency 1,10,100] [--calls N] [--rounds N] [--warmup N] [--sandboxes N] [--repo
 * DIR] [--out FILE]}
 */
public final class RunOverheadBenchmark {

  private static final String RUN = "bastion.v1.Processes/Run";

  private final Path stateDir;
  private final String token;
  private final int port;
  private final List<String> sandboxIds;

  private RunOverheadBenchmark(Path stateDir, String token, int port, List<String> sandboxIds) {
    this.stateDir = stateDir;
    this.token = token;
    this.port = port;
    this.sandboxIds = sandboxIds;
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
                    stateDir, GatewayProcess.token(stateDir), gateway.port(), leases.ids())
                .measure(plan, report);
          }
        });
  }

  /** What the flags asked for. */
  private record Plan(
      List<Integer> concurrencies, int calls, int rounds, int warmup, int sandboxes) {}

  private void measure(Plan plan, Report report) {
    // Both paths' JITs (the gateway's, and sandboxd's inside gVisor) warm before measuring.
    bench(Route.GATEWAY, 10, plan.warmup());
    bench(Route.DIRECT, 10, plan.warmup());
    JsonArray results = new JsonArray();
    for (int concurrency : plan.concurrencies()) {
      results.add(compare(concurrency, Math.max(plan.calls(), concurrency), plan.rounds()));
    }
    report.put("run_true", results);
  }

  /** The two ways to the sandboxes. */
  private enum Route {
    GATEWAY,
    DIRECT
  }

  /** {@code rounds} measurements per path at {@code concurrency}, alternating, with ratios. */
  private JsonObject compare(int concurrency, int calls, int rounds) {
    JsonArray perRound = new JsonArray();
    List<JsonObject> gateway = new ArrayList<>();
    List<JsonObject> direct = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      JsonObject viaGateway;
      JsonObject viaSandboxd;
      if (round % 2 == 1) {
        viaGateway = bench(Route.GATEWAY, concurrency, calls);
        viaSandboxd = bench(Route.DIRECT, concurrency, calls);
      } else {
        viaSandboxd = bench(Route.DIRECT, concurrency, calls);
        viaGateway = bench(Route.GATEWAY, concurrency, calls);
      }
      gateway.add(viaGateway);
      direct.add(viaSandboxd);
      perRound.add(
          new JsonObject()
              .put("gateway", viaGateway)
              .put("direct", viaSandboxd)
              .put("ratio_p50", ratio(viaGateway, viaSandboxd, "p50_ms"))
              .put("ratio_p99", ratio(viaGateway, viaSandboxd, "p99_ms"))
              .put("ratio_rps", ratio(viaSandboxd, viaGateway, "rps")));
    }
    return new JsonObject()
        .put("concurrency", concurrency)
        .put("rounds", perRound)
        .put("median_gateway_p50_ms", median(gateway, r -> r.getDouble("p50_ms")))
        .put("median_direct_p50_ms", median(direct, r -> r.getDouble("p50_ms")))
        .put("median_ratio_p50", median(perRound, r -> r.getDouble("ratio_p50")))
        .put("median_ratio_p99", median(perRound, r -> r.getDouble("ratio_p99")))
        // Direct calls/s over gateway calls/s: above 1 when the gateway is slower.
        .put("median_ratio_rps", median(perRound, r -> r.getDouble("ratio_rps")));
  }

  /**
   * One {@code bastion bench} run, in this process, with ghz's JSON report; any failed call fails
   * the benchmark (errors are never a timing).
   */
  private JsonObject bench(Route path, int concurrency, int calls) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--call", RUN, "-c", Integer.toString(concurrency)));
    args.addAll(List.of("-n", Integer.toString(calls), "-O", "json"));
    JsonArray perSandbox = new JsonArray();
    sandboxIds.forEach(
        id -> perSandbox.add(new JsonObject().put("sandbox_id", id).put("argv", List.of("true"))));
    args.addAll(List.of("-d", perSandbox.encode()));
    if (path == Route.GATEWAY) {
      args.addAll(List.of("-m", new JsonObject().put("authorization", "Bearer " + token).encode()));
      args.add("127.0.0.1:" + port);
    } else {
      sandboxIds.forEach(id -> args.add("unix:" + BastionClient.directSocket(stateDir, id)));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new BenchCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    if (exit != 0) {
      throw new IllegalStateException("bench " + path + " failed: " + err.toString().strip());
    }
    JsonObject ghz = new JsonObject(out.toString());
    JsonObject codes = ghz.getJsonObject("statusCodeDistribution");
    if (codes.size() != 1 || codes.getLong("OK", 0L) != calls) {
      throw new IllegalStateException("bench " + path + ": calls failed: " + codes.encode());
    }
    return new JsonObject()
        .put("p50_ms", percentile(ghz, 50))
        .put("p99_ms", percentile(ghz, 99))
        .put("average_ms", ghz.getLong("average") / 1e6)
        .put("rps", ghz.getDouble("rps"));
  }

  private static double percentile(JsonObject ghz, int percentage) {
    for (Object mark : ghz.getJsonArray("latencyDistribution")) {
      JsonObject entry = (JsonObject) mark;
      if (entry.getInteger("percentage") == percentage) {
        return entry.getLong("latency") / 1e6;
      }
    }
    throw new IllegalStateException("the report has no " + percentage + " % latency");
  }

  private static double ratio(JsonObject over, JsonObject under, String field) {
    return over.getDouble(field) / under.getDouble(field);
  }

  private static double median(Iterable<?> rounds, Function<JsonObject, Double> value) {
    List<Double> sorted = new ArrayList<>();
    rounds.forEach(round -> sorted.add(value.apply((JsonObject) round)));
    sorted.sort(Comparator.naturalOrder());
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
