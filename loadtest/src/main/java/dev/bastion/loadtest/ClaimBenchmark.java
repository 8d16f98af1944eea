package dev.bastion.loadtest;

import dev.bastion.api.v1.Sandbox;
import dev.bastion.loadtest.bench.LatencyRecorder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Warm claims against cold creates, in one run on one server: sequential warm claims (the pool
 * refilled between them, so no refill competes with the claim measured), cold creates, then bursts
 * of as many concurrent claims as the pool holds, each on a refilled pool, and how long the pool
 * takes to refill ({@code --bursts N}, default 1: more bursts give more samples from one run).
 * {@code --warmup-bursts N} bursts come first and are reported apart: the first burst after a start
 * runs code the sequential claims never made hot, which a long-running server has long compiled.
 *
 * <p>{@code java -cp loadtest/target/loadtest.jar dev.bastion.loadtest.ClaimBenchmark [--smoke]
 * [--pool N] [--claims N] [--warmup N] [--colds N] [--warmup-bursts N] [--bursts N] [--repo DIR]
 * [--out FILE]}
 */
public final class ClaimBenchmark {

  private static final String POOL = "python";
  private static final Duration FILL_TIMEOUT = Duration.ofMinutes(15);

  private final BastionClient client;
  private final ResourceHttp resources;

  private ClaimBenchmark(BastionClient client, ResourceHttp resources) {
    this.client = client;
    this.resources = resources;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /**
   * Runs the benchmark with {@code args}; returns the exit status: 0, 1 on any error (never on a
   * timing), 2 on a bad argument.
   */
  public static int run(String[] args) throws Exception {
    int pool = 50;
    int claims = 30;
    int colds = 5;
    int warmup = 10;
    int bursts = 1;
    int warmupBursts = 0;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> {
          pool = 3;
          claims = 3;
          colds = 1;
          warmup = 1;
          bursts = 1;
        }
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--pool" -> pool = Integer.parseInt(args[++i]);
        case "--claims" -> claims = Integer.parseInt(args[++i]);
        case "--colds" -> colds = Integer.parseInt(args[++i]);
        case "--bursts" -> bursts = Integer.parseInt(args[++i]);
        case "--warmup-bursts" -> warmupBursts = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("ClaimBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    // The client shares the machine with the server: how its JVM ran is part of the method.
    report.put(
        "client_jvm_args", new JsonArray(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    Plan plan = new Plan(pool, claims, colds, warmup, warmupBursts, bursts);
    return OwnServerRun.run(
        "claims",
        repo,
        pool,
        report,
        out,
        (gateway, client, stateDir) -> measure(plan, report, gateway, client, stateDir));
  }

  /** The counts the flags asked for. */
  private record Plan(
      int pool, int claims, int colds, int warmupClaims, int warmupBursts, int bursts) {}

  private static void measure(
      Plan plan, Report report, GatewayProcess gateway, BastionClient client, Path stateDir)
      throws Exception {
    int pool = plan.pool();
    ClaimBenchmark benchmark =
        new ClaimBenchmark(
            client, new ResourceHttp(gateway.port(), GatewayProcess.token(stateDir)));
    long filling = System.nanoTime();
    benchmark.awaitPoolReady(pool);
    report.put(
        "pool",
        new JsonObject()
            .put("replicas", pool)
            .put("initial_fill_s", (System.nanoTime() - filling) / 1e9));
    // Untimed claims first, so the measured ones see a warmed-up JVM, as a long-running server
    // does.
    benchmark.sequentialClaims(plan.warmupClaims(), pool);
    report.put(
        "warm_claim",
        benchmark.sequentialClaims(plan.claims(), pool).put("warmup_claims", plan.warmupClaims()));
    report.put("cold_create", new ColdCreateBenchmark(client).measure(plan.colds()));
    JsonArray unmeasured = new JsonArray();
    for (int i = 0; i < plan.warmupBursts(); i++) {
      unmeasured.add(benchmark.burst(pool));
    }
    report.put("warmup_bursts", unmeasured);
    JsonArray measured = new JsonArray();
    for (int i = 0; i < plan.bursts(); i++) {
      measured.add(benchmark.burst(pool));
    }
    report.put("bursts", measured);
    // Pool members outlive a server stop by design: delete the pool so its members go too.
    benchmark.deletePool(stateDir);
  }

  /** One claim at a time; the pool is full again before each, as in steady state. */
  private JsonObject sequentialClaims(int claims, int pool)
      throws InterruptedException, IOException {
    LatencyRecorder latency = new LatencyRecorder();
    int cold = 0;
    for (int i = 0; i < claims; i++) {
      awaitPoolReady(pool);
      CpuIdle.awaitQuiet(0.7, Duration.ofSeconds(10));
      long start = System.nanoTime();
      Sandbox sandbox = BastionClient.await(client.claim(POOL));
      latency.record(System.nanoTime() - start);
      if (!"warm".equals(sandbox.getLaunchType())) {
        cold++;
      }
      client.delete(sandbox.getId());
    }
    return latency.summary().put("cold_fallbacks", cold);
  }

  /** {@code pool} claims at once on a full pool: throughput, latency, and time to refill. */
  private JsonObject burst(int pool) throws InterruptedException, IOException {
    awaitPoolReady(pool);
    // New members keep the CPU busy for a while after they turn Ready (sandboxd's JVM warming up):
    // measure the burst on a quiet machine, as a pool that has been full for a moment is.
    double idle = CpuIdle.awaitQuiet(0.75, Duration.ofSeconds(60));
    LatencyRecorder latency = new LatencyRecorder();
    List<Future<Sandbox>> claims = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < pool; i++) {
      long issued = System.nanoTime();
      claims.add(client.claim(POOL).onSuccess(s -> latency.record(System.nanoTime() - issued)));
    }
    List<Sandbox> served = new ArrayList<>();
    for (Future<Sandbox> claim : claims) {
      served.add(BastionClient.await(claim));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long refillStart = System.nanoTime();
    awaitPoolReady(pool);
    double refill = (System.nanoTime() - refillStart) / 1e9;
    long warm = served.stream().filter(s -> "warm".equals(s.getLaunchType())).count();
    served.forEach(s -> client.delete(s.getId()));
    return latency
        .summary()
        .put("claims", pool)
        .put("warm", warm)
        .put("wall_s", seconds)
        .put("claims_per_s", pool / seconds)
        .put("refill_s", refill)
        .put("cpu_idle_before", idle);
  }

  private void deletePool(Path stateDir) throws InterruptedException, IOException {
    resources.delete("swp", POOL);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Containers.list(stateDir).isEmpty()) {
      if (System.nanoTime() > deadline) {
        return; // What is left is reported as leaked.
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Waits until the pool has {@code replicas} Ready members, read through the resource API. */
  private void awaitPoolReady(int replicas) throws InterruptedException {
    long deadline = System.nanoTime() + FILL_TIMEOUT.toNanos();
    while (readyReplicas() < replicas) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pool did not fill within " + FILL_TIMEOUT);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private int readyReplicas() {
    JsonObject status =
        resources.get("swp", POOL).getJsonArray("items").getJsonObject(0).getJsonObject("status");
    return status == null ? 0 : status.getInteger("readyReplicas", 0);
  }
}
