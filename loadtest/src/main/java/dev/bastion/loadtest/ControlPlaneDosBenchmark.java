package dev.bastion.loadtest;

import dev.bastion.loadtest.bench.Http2Options;
import dev.bastion.loadtest.bench.LatencyRecorder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the control plane's denial-of-service cases cost the gateway (issue 17): for each, a few
 * attackers repeat it for a while, and the gateway's RSS and the latency of {@code /healthz} (a
 * probe every 20 ms, as a load balancer would) are measured meanwhile, against the same gateway
 * idle just before. The cases: alias bombs to {@code /v1/apply}, a {@code Run} with an 800 KB
 * argument, gRPC calls that send headers without a token and nothing else, and apply bodies past
 * the 1 MiB limit. A case passes nothing and fails nothing on its numbers; the run fails only when
 * the gateway stops answering.
 *
 * <p>{@code java -cp gateway/target/bastion.jar dev.bastion.loadtest.ControlPlaneDosBenchmark
 * [--smoke] [--seconds N] [--repo DIR] [--out FILE]}
 */
public final class ControlPlaneDosBenchmark {

  private static final Duration PROBE_EVERY = Duration.ofMillis(20);
  private static final int ATTACKERS = 8;
  private static final int HELD_STREAMS = 500;

  private final GatewayProcess gateway;
  private final String token;
  private final String sandboxId;
  private final BastionClient client;
  // The probes have a client of their own: a connection the gateway closes after refusing an
  // attack must not be one a probe was about to use.
  private final java.net.http.HttpClient probes =
      java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private ControlPlaneDosBenchmark(
      GatewayProcess gateway, String token, String sandboxId, BastionClient client) {
    this.gateway = gateway;
    this.token = token;
    this.sandboxId = sandboxId;
    this.client = client;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** Runs the benchmark; returns 0, 1 on an error, 2 on a bad argument. */
  public static int run(String[] args) throws Exception {
    int seconds = 10;
    Path repo = Path.of(".");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> seconds = 2;
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("ControlPlaneDosBenchmark: unknown argument " + args[i]);
          return 2;
        }
      }
    }
    Report report = new Report();
    report.put("machine", MachineFacts.collect());
    report.put(
        "method",
        new JsonObject()
            .put("seconds_per_case", seconds)
            .put("attackers", ATTACKERS)
            .put("healthz_probe_every_ms", PROBE_EVERY.toMillis()));
    Duration length = Duration.ofSeconds(seconds);
    return OwnServerRun.run(
        "control-plane-dos",
        repo,
        0,
        report,
        out,
        (gateway, client, stateDir) -> {
          try (SandboxLease lease = client.create()) {
            new ControlPlaneDosBenchmark(
                    gateway, GatewayProcess.token(stateDir), lease.id(), client)
                .measure(length, report);
          }
        });
  }

  private void measure(Duration length, Report report) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient h2c = vertx.createHttpClient(Http2Options.multiplexed());
      // Vert.x's client lets go of a body the gateway refused; the JDK's kept gigabytes of them.
      HttpClient http1 = vertx.createHttpClient();
      Buffer bomb = Buffer.buffer(aliasBomb());
      Buffer oversized = Buffer.buffer("a: " + "x".repeat(2 << 20));
      JsonArray cases = new JsonArray();
      cases.add(underAttack("idle", length, 0, null));
      cases.add(underAttack("alias_bomb_apply", length, ATTACKERS, () -> apply(http1, bomb)));
      cases.add(
          underAttack("oversized_apply_body", length, ATTACKERS, () -> apply(http1, oversized)));
      cases.add(underAttack("run_with_an_800kb_argument", length, ATTACKERS, this::hugeArgument));
      cases.add(
          underAttack(
              "unauthenticated_header_only_streams", length, ATTACKERS, () -> headersOnly(h2c)));
      report.put("cases", cases);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** One attack: what it sends, completing with what the gateway answered. */
  private interface Attack {
    Future<String> send();
  }

  /**
   * {@code attackers} repeating {@code attack} for {@code length}, the gateway measured meanwhile.
   */
  private JsonObject underAttack(String name, Duration length, int attackers, Attack attack)
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    AtomicLong peakRss = new AtomicLong(ProcessMemory.rssKiB(gateway.pid()));
    long rssBefore = peakRss.get();
    for (int i = 0; i < attackers; i++) {
      repeat(attack, running, answers);
    }
    LatencyRecorder healthz = new LatencyRecorder();
    long failedProbes = 0;
    long end = System.nanoTime() + length.toNanos();
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      try {
        HttpResponse<Void> probe =
            probes.send(
                HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (probe.statusCode() == 200) {
          healthz.record(System.nanoTime() - start);
        } else {
          failedProbes++;
        }
      } catch (java.io.IOException e) {
        failedProbes++;
      }
      peakRss.accumulateAndGet(ProcessMemory.rssKiB(gateway.pid()), Math::max);
      TimeUnit.NANOSECONDS.sleep(Math.max(0, PROBE_EVERY.toNanos() - (System.nanoTime() - start)));
    }
    running.set(false);
    // What the gateway keeps once the attack is over, as opposed to the heap it grew to meanwhile.
    long liveHeapAfter = GatewayMemory.measure(gateway.pid()).heapKiB();
    if (healthz.summary().getLong("count") == 0) {
      throw new IllegalStateException("the gateway answered no health check during " + name);
    }
    JsonObject byAnswer = new JsonObject();
    answers.forEach((answer, count) -> byAnswer.put(answer, count.sum()));
    return new JsonObject()
        .put("case", name)
        .put("healthz", healthz.summary())
        .put("healthz_failed", failedProbes)
        .put("rss_before_mib", rssBefore / 1024.0)
        .put("rss_peak_mib", peakRss.get() / 1024.0)
        .put("live_heap_after_mib", liveHeapAfter / 1024.0)
        .put("attack_answers", byAnswer);
  }

  /** Sends {@code attack} again as soon as each answer comes, while {@code running}. */
  private static void repeat(Attack attack, AtomicBoolean running, Map<String, LongAdder> answers) {
    if (!running.get()) {
      return;
    }
    attack
        .send()
        .onComplete(
            answered -> {
              String answer =
                  answered.succeeded()
                      ? answered.result()
                      : answered.cause().getClass().getSimpleName();
              answers.computeIfAbsent(answer, a -> new LongAdder()).increment();
              repeat(attack, running, answers);
            });
  }

  private Future<String> apply(HttpClient http1, Buffer body) {
    return http1
        .request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/v1/apply")
        .compose(
            request ->
                request
                    .putHeader("authorization", "Bearer " + token)
                    .send(body)
                    .map(response -> "HTTP " + response.statusCode()));
  }

  private Future<String> hugeArgument() {
    return client
        .run(client.gateway(), sandboxId, List.of("echo", "--token" + "a".repeat(800_000) + "!"))
        .map(result -> "ran")
        .recover(failure -> Future.succeededFuture(statusOf(failure.getMessage())));
  }

  /** The status a failed call's message names: "... ended with INVALID_ARGUMENT: ..." */
  private static String statusOf(String message) {
    java.util.regex.Matcher status =
        java.util.regex.Pattern.compile("\\b([A-Z][A-Z_]{4,})\\b").matcher(message);
    return status.find() ? status.group(1) : message;
  }

  /** {@value #HELD_STREAMS} gRPC calls without a token that send their headers and nothing more. */
  private Future<String> headersOnly(HttpClient h2c) {
    List<Future<String>> streams = new ArrayList<>();
    for (int i = 0; i < HELD_STREAMS / ATTACKERS; i++) {
      streams.add(
          h2c.request(
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setHost("127.0.0.1")
                      .setPort(gateway.port())
                      .setURI("/bastion.v1.Processes/Exec"))
              .compose(
                  request -> {
                    request
                        .putHeader("content-type", "application/grpc")
                        .putHeader("te", "trailers");
                    request.sendHead();
                    return request.response().map(response -> grpcStatus(request, response));
                  }));
    }
    return Future.all(streams).map(all -> "grpc-status " + all.resultAt(0));
  }

  private static String grpcStatus(
      HttpClientRequest request, io.vertx.core.http.HttpClientResponse response) {
    String status = response.getHeader("grpc-status");
    // The gateway has ended its side; end ours too (a reset, repeated, reads as an attack of its
    // own).
    request.end();
    return status == null ? "none-in-headers" : status;
  }

  /** Ten nodes, then five levels each aliasing the last ten times: about 400 bytes, 10^6 nodes. */
  private static String aliasBomb() {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: agents.x-k8s.io/v1beta1\nkind: Sandbox\nmetadata: {name: bomb}\n"
                + "spec:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int level = 1; level <= 5; level++) {
      yaml.append(
          "  l%d: &l%d [%s]\n"
              .formatted(
                  level, level, String.join(", ", Collections.nCopies(10, "*l" + (level - 1)))));
    }
    return yaml.toString();
  }

  private String base() {
    return "http://127.0.0.1:" + gateway.port();
  }
}
