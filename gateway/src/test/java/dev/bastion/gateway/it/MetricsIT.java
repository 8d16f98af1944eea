package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.api.v1.CreateSandboxRequest;
import dev.bastion.controller.runtime.RuntimeKind;
import dev.bastion.gateway.auth.MetricsToken;
import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics as an operator reads it, with the server's metrics token: the series of docs/METRICS.md
 * move when exec, file and terminal streams flow, every series the shipped Grafana dashboard
 * queries is in a real scrape, no tenant is named in it, and without the token there is no scrape.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

  static final String ALICE = "metrics-alice-token-0123456789";
  static final String BOB = "metrics-bob-token-0123456789";
  static final String METRICS_TOKEN = "metrics-scrape-token-0123456789";
  static final Path DASHBOARD = Path.of("../deploy/grafana/bastion-dashboard.json");

  /**
   * Series names in the dashboard's PromQL: theirs have these prefixes, labels and functions not.
   */
  static final Pattern SERIES = Pattern.compile("\\b(?:bastion|agent|jvm|netty)_[a-z0-9_]+");

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, ALICE + " alice\n" + BOB + " bob\n");
    Path metricsToken = Files.writeString(dir.resolve("metrics-token"), METRICS_TOKEN + "\n");
    server =
        BastionServer.start(
            SandboxHost.config(
                SandboxHost.freePort(),
                dir.resolve("state"),
                tokens,
                RuntimeKind.GVISOR,
                1,
                MetricsToken.read(metricsToken)),
            System.out::println);
    port = server.port();
    api = new Api(port);
    alice = api.as(ALICE);
    bob = api.as(BOB);
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(alice, bob));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  @Order(1)
  void streamSeriesMoveWithExecsFilesAndTerminals() throws Exception {
    Scrape warm = awaitScrape(s -> s.sum("bastion_warm_pool_ready", "pool", "python") >= 1);
    String box =
        Api.call(alice, Api.CREATE, CreateSandboxRequest.newBuilder().setWarmPool("python").build())
            .getId();
    Scrape before = scrape();
    assertThat(before.sum("agent_sandbox_claim_startup_latency_ms_count"))
        .isGreaterThan(warm.sum("agent_sandbox_claim_startup_latency_ms_count"));

    assertThat(Api.run(alice, box, "python3", "-c", "print('x' * 999)").getExitCode()).isZero();
    GatewayIT.write(alice, box, "/workspace/m.txt", "y".repeat(500));
    assertThat(GatewayIT.read(alice, box, "/workspace/m.txt")).hasSize(500);
    TerminalClient terminal =
        TerminalClient.open(port, "/v1/sandboxes/" + box + "/terminal", ALICE);
    terminal.type("echo metered\n");
    terminal.awaitOutput("metered\r\n");
    assertThat(scrape().sum("bastion_streams_active", "kind", "terminal")).isEqualTo(1);
    terminal.socket.sendClose(1000, "bye").join();
    terminal.awaitClose();

    Scrape after =
        awaitScrape(s -> s.sum("bastion_exec_duration_seconds_count", "kind", "terminal") >= 1);
    assertThat(after.sum("bastion_streams_active", "kind", "terminal")).isZero();
    assertThat(after.sum("bastion_streams_active", "kind", "exec")).isZero();
    assertThat(delta(before, after, "bastion_exec_duration_seconds_count", "kind", "exec"))
        .isEqualTo(1);
    assertThat(
            delta(before, after, "bastion_stream_bytes_total", "kind", "exec", "direction", "out"))
        .isEqualTo(1000);
    assertThat(
            delta(before, after, "bastion_stream_bytes_total", "kind", "file", "direction", "in"))
        .isEqualTo(500);
    assertThat(
            delta(before, after, "bastion_stream_bytes_total", "kind", "file", "direction", "out"))
        .isEqualTo(500);
    assertThat(
            delta(
                before, after, "bastion_stream_bytes_total", "kind", "terminal", "direction", "in"))
        .isEqualTo("echo metered\n".length());
    assertThat(
            delta(
                before,
                after,
                "bastion_stream_bytes_total",
                "kind",
                "terminal",
                "direction",
                "out"))
        .isGreaterThan("metered\r\n".length());
    assertThat(after.sum("bastion_sandboxes", "phase", "READY")).isGreaterThanOrEqualTo(1);
  }

  /** After the first test: the claim latency histogram has its first claim. */
  @Test
  @Order(2)
  void everySeriesTheDashboardQueriesIsScraped() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    for (Object panel : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) panel).getJsonArray("targets", new JsonArray());
      targets.forEach(t -> exprs.add(((JsonObject) t).getString("expr")));
    }
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(10);
    Set<String> series = new TreeSet<>();
    for (String expr : exprs) {
      Matcher name = SERIES.matcher(expr);
      while (name.find()) {
        series.add(name.group());
      }
    }
    // Histograms and pool gauges appear once something is recorded or refreshed.
    Scrape scrape = awaitScrape(s -> series.stream().allMatch(s::has));
    Files.writeString(Path.of("target/metrics-scrape.txt"), scrape.text());
    assertThat(series).allMatch(scrape::has, "is in the scrape");
  }

  /**
   * A scrape is for whoever runs the server; which tenants use it is not. Both tenants make a
   * sandbox from the template (in embedded mode in a namespace named like the tenant, which the
   * upstream series label by namespace), and bob claims one from the pool.
   */
  @Test
  @Order(3)
  void noTenantIsNamedInTheScrape() throws Exception {
    String aliceBox = Api.create(alice, "python").getId();
    String bobBox = Api.create(bob, "python").getId();
    String bobClaimed =
        Api.call(bob, Api.CREATE, CreateSandboxRequest.newBuilder().setWarmPool("python").build())
            .getId();
    assertThat(Api.run(alice, aliceBox, "true").getExitCode()).isZero();
    assertThat(Api.run(bob, bobBox, "true").getExitCode()).isZero();
    GatewayIT.write(bob, bobClaimed, "/workspace/b.txt", "b");

    // Recounted every few seconds: alice's claimed box of the first test and these three.
    Scrape scrape =
        awaitScrape(
            s ->
                s.sum("agent_sandboxes", "launch_type", "cold") >= 2
                    && s.sum("agent_sandbox_claim_creation_total") >= 2);
    assertThat(scrape.sum("agent_sandbox_creation_latency_ms_count")).isGreaterThanOrEqualTo(2);
    assertThat(scrape.text()).doesNotContain("alice").doesNotContain("bob");
  }

  /** A tenant's API token is not the metrics token. */
  @Test
  void withoutTheMetricsTokenThereIsNoScrape() throws Exception {
    for (String authorization :
        Arrays.asList(null, "Bearer " + ALICE, "Bearer " + METRICS_TOKEN + "x")) {
      HttpResponse<String> response = ServerCli.getMetrics(port, authorization);
      assertThat(response.statusCode()).as(authorization).isEqualTo(401);
      assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer");
      assertThat(response.body()).doesNotContain("agent_sandboxes");
    }
  }

  static Scrape scrape() throws Exception {
    return Scrape.of(port, METRICS_TOKEN);
  }

  static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  /** The first scrape {@code ready} accepts within a minute, else the last one. */
  static Scrape awaitScrape(Predicate<Scrape> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Scrape scrape = scrape();
    while (!ready.test(scrape) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200);
      scrape = scrape();
    }
    return scrape;
  }
}
