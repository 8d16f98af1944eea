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
 * One RPC timed two ways in one run with the {@code bastion bench} driver: through the gateway and
 * directly against the sandboxes' sandboxd. Call n goes to sandbox n mod N on both paths (a {@code
 * -d} array through the gateway, one target per sandboxd socket directly). The paths alternate
 * (gateway first in odd rounds, direct first in even ones), so a slower moment of the machine lands
 * on both; each round gives a ratio of its own, and the report has every round and the medians.
 */
final class PathComparison {

  /** The two ways to the sandboxes. */
  enum Route {
    GATEWAY,
    DIRECT
  }

  private final Path stateDir;
  private final String token;
  private final int port;
  private final List<String> sandboxIds;
  private final String call;
  private final Function<String, JsonObject> request;

  /**
   * @param call the RPC, as {@code bastion bench --call} takes it
   * @param request the request for a call on the given sandbox
   */
  PathComparison(
      Path stateDir,
      String token,
      int port,
      List<String> sandboxIds,
      String call,
      Function<String, JsonObject> request) {
    this.stateDir = stateDir;
    this.token = token;
    this.port = port;
    this.sandboxIds = sandboxIds;
    this.call = call;
    this.request = request;
  }

  /** Warms both paths' JITs (the gateway's, and sandboxd's inside gVisor) before measuring. */
  void warm(int concurrency, int calls) {
    bench(Route.GATEWAY, concurrency, calls);
    bench(Route.DIRECT, concurrency, calls);
  }

  /** {@code rounds} measurements per path at {@code concurrency}, alternating, with ratios. */
  JsonObject compare(int concurrency, int calls, int rounds) {
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
    args.addAll(List.of("--call", call, "-c", Integer.toString(concurrency)));
    args.addAll(List.of("-n", Integer.toString(calls), "-O", "json"));
    JsonArray perSandbox = new JsonArray();
    sandboxIds.forEach(id -> perSandbox.add(request.apply(id)));
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

  /** The median of {@code value} over {@code rounds}, JSON objects. */
  static double median(Iterable<?> rounds, Function<JsonObject, Double> value) {
    List<Double> sorted = new ArrayList<>();
    rounds.forEach(round -> sorted.add(value.apply((JsonObject) round)));
    sorted.sort(Comparator.naturalOrder());
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
