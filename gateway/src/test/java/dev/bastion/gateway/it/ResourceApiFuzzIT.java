package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.server.BastionServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated manifests, YAML and JSON, to {@code POST /v1/apply}, as FuzzIT sends mutated protobuf to
 * gRPC: the Agent Sandbox API's example manifests with spans cut, YAML's syntax characters
 * inserted, lines repeated, anchors, aliases, tags and odd bytes thrown in. Every request must be
 * answered in bounded time with a JSON error or success the gateway meant — never a 5xx, never a
 * stack trace or a class name — and the gateway must stay healthy. The applying tenant's policy
 * denies creating sandboxes, so the run exercises parsing and validation, not cold starts.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.applies=N} changes how
 * many requests are sent.
 */
class ResourceApiFuzzIT {

  static final String APPLIER = "rfuzz-tenant-token-0123456789";
  static final String OPS = "rfuzz-ops-token-0123456789";
  static final long DEFAULT_SEED = 20261203L;
  static final Set<Integer> MEANT = Set.of(200, 201, 400, 403, 404, 409, 413, 429);
  static final String YAML_SYNTAX = ":-[]{},&*!|>'\"#%@`?\n\t ";
  static final List<String> INSERTS =
      List.of(
          "&a ",
          "*a",
          "!!binary ",
          "!!java.lang.Object ",
          "<<: *a\n",
          "? ",
          "---\n",
          "...\n",
          "%YAML 1.1\n",
          "\u0000",
          "\uFEFF",
          "\uD800",
          "9".repeat(400),
          "-1e999",
          "[[[[[[[[[[[[[[[[",
          "{\"a\": {\"a\": {\"a\":",
          "\\u0000",
          "é\u202E");

  @TempDir static Path dir;
  static BastionServer server;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, APPLIER + " applier\n" + OPS + " ops admin\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: bastion.dev/v1alpha1
        kind: ToolPolicy
        metadata: {name: parse-only}
        spec:
          tenants: [applier]
          rules:
          - name: no-sandboxes
            when: call.tool == "sandboxes.create"
            action: Deny
        """);
    ServerCli.run(server.port(), OPS, 0, "apply", "-f", policy.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void mutatedManifestsGetAnAnswerTheGatewayMeant() throws Exception {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    int applies = Integer.getInteger("fuzz.applies", 2000);
    System.out.printf(
        "ResourceApiFuzzIT: seed %d (replay with -Dfuzz.seed=%d), %d applies%n",
        seed, seed, applies);
    Random random = new Random(seed);
    List<String> corpus = corpus();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    List<String> failures = new ArrayList<>();
    for (int batch = 0; batch < applies; batch += 8) {
      List<String> bodies = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String body = mutate(random, corpus.get(random.nextInt(corpus.size())));
        bodies.add(body);
        answers.add(http.sendAsync(apply(body), HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < answers.size(); i++) {
        String problem = problemWith(answers.get(i), bodies.get(i));
        if (problem != null) {
          failures.add(problem + "\n--- body:\n" + abbreviate(bodies.get(i)));
        }
      }
    }
    assertThat(failures).as("answers the gateway did not mean").isEmpty();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  /**
   * Why {@code answer} to {@code sent} is not one the gateway meant; null when it is. An error may
   * quote what was sent, so only words of the gateway's own internals that {@code sent} lacks count
   * as leaks.
   */
  private static String problemWith(CompletableFuture<HttpResponse<String>> answer, String sent) {
    HttpResponse<String> response;
    try {
      response = answer.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "no answer within 60 s: " + e;
    }
    if (!MEANT.contains(response.statusCode())) {
      return "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (DecodeException e) {
      return "not JSON: " + abbreviate(response.body());
    }
    String text = body.encode();
    for (String leak :
        List.of("Exception", "at dev.bastion", "java.", "tools.jackson", "snakeyaml")) {
      if (text.contains(leak) && !sent.contains(leak)) {
        return "leaks " + leak + ": " + abbreviate(text);
      }
    }
    return null;
  }

  private static HttpRequest apply(String body) {
    return HttpRequest.newBuilder(URI.create(base() + "/v1/apply"))
        .header("authorization", "Bearer " + APPLIER)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** The API's example manifests, each document alone and all together, as YAML and as JSON. */
  private static List<String> corpus() throws IOException {
    String all;
    try (InputStream in =
        ResourceApiFuzzIT.class.getResourceAsStream("/examples/agent-sandbox-v1beta1.yaml")) {
      all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> corpus = new ArrayList<>(List.of(all.split("\n---\n")));
    corpus.add(all);
    corpus.add(
        "{\"apiVersion\":\"agents.x-k8s.io/v1beta1\",\"kind\":\"Sandbox\","
            + "\"metadata\":{\"name\":\"j\",\"labels\":{\"a\":\"b\"}},"
            + "\"spec\":{\"podTemplate\":{\"spec\":{\"containers\":"
            + "[{\"name\":\"main\",\"image\":\"bastion/python\","
            + "\"resources\":{\"limits\":{\"memory\":\"256Mi\",\"cpu\":\"500m\"}}}]}}}}");
    return corpus;
  }

  private static String mutate(Random random, String manifest) {
    StringBuilder text = new StringBuilder(manifest);
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && !text.isEmpty(); m++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(6)) {
        case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(40)));
        case 1 -> text.insert(at, YAML_SYNTAX.charAt(random.nextInt(YAML_SYNTAX.length())));
        case 2 -> text.insert(at, INSERTS.get(random.nextInt(INSERTS.size())));
        case 3 -> {
          int start = text.lastIndexOf("\n", at) + 1;
          int end = text.indexOf("\n", start);
          String line = text.substring(start, end < 0 ? text.length() : end);
          text.insert(start, (line + "\n").repeat(1 + random.nextInt(3)));
        }
        case 4 -> text.insert(text.lastIndexOf("\n", at) + 1, " ".repeat(1 + random.nextInt(3)));
        default -> text.setCharAt(at, (char) random.nextInt(0x3000));
      }
    }
    return text.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 600 ? text : text.substring(0, 600) + "...";
  }

  private static String base() {
    return "http://127.0.0.1:" + server.port();
  }
}
