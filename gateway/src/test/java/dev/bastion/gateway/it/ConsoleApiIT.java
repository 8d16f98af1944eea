package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's JSON API on a real server with gVisor sandboxes: tenancy, policy and limits as
 * gRPC has them, files streamed both ways, the audit log's recent decisions, and the console's page
 * with its Content-Security-Policy.
 */
class ConsoleApiIT {

  static final String OPS = "console-ops-token-0123456789";
  static final String ALICE = "console-alice-token-0123456789";
  static final String BOB = "console-bob-token-0123456789";
  static final int MAX_FILE_BYTES = 3 * 1024 * 1024;

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: console}
      spec:
        tenants: [alice]
        rules:
        - name: no-secrets
          when: call.tool in ["files.write", "files.read"] && call.path.startsWith("/workspace/secrets")
          action: Deny
          message: secrets are off limits
        - name: no-shell-from-cells
          when: call.tool == "code.run" && call.code.contains("os.system")
          action: Deny
          message: cells may not start shells
        limits: {maxFileBytes: %d}
      """
          .formatted(MAX_FILE_BYTES);

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel bob;
  static HttpClient http;
  static String base;
  static String aliceBox;
  static String bobBox;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    int port = server.port();
    base = "http://127.0.0.1:" + port;
    // HTTP/1.1, as a browser speaks it to an http:// page.
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    api = new Api(port);
    bob = api.as(BOB);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    ServerCli.run(port, OPS, 0, "apply", "-f", policy.toString());
    Reply created = send(ALICE, "POST", "/v1/sandboxes", "{\"template\":\"python\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    aliceBox = created.json().getString("id");
    bobBox = Api.create(bob, "python").getId();
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      Api.deleteAllSandboxes(List.of(bob, api.as(ALICE)));
      api.close();
    }
    if (server != null) {
      server.close();
    }
    SandboxHost.removeContainers(dir.resolve("state"));
  }

  @Test
  void theListHoldsOnlyTheCallersSandboxesWithPhaseAndAge() throws Exception {
    JsonArray sandboxes =
        send(ALICE, "GET", "/v1/sandboxes", null).json().getJsonArray("sandboxes");
    assertThat(sandboxes).hasSize(1);
    JsonObject mine = sandboxes.getJsonObject(0);
    assertThat(mine.getString("id")).isEqualTo(aliceBox);
    assertThat(mine.getString("phase")).isEqualTo("READY");
    assertThat(mine.getString("template")).isEqualTo("python");
    assertThat(mine.getString("created_at")).isNotEmpty();
    assertThat(mine.getLong("age_seconds")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void anotherTenantsSandboxIsNotFoundOnEveryRoute() throws Exception {
    String box = "/v1/sandboxes/" + bobBox;
    List<String[]> routes =
        List.of(
            new String[] {"GET", box},
            new String[] {"POST", box + "/suspend"},
            new String[] {"POST", box + "/resume"},
            new String[] {"GET", box + "/files?path=/workspace/a.txt"},
            new String[] {"PUT", box + "/files?path=/workspace/a.txt"},
            new String[] {"GET", box + "/files/list?path=/workspace"},
            new String[] {"GET", box + "/audit"},
            new String[] {"GET", box + "/contexts"},
            new String[] {"POST", box + "/contexts", "{}"},
            new String[] {"POST", box + "/code", "{\"code\":\"1+1\"}"},
            new String[] {"POST", box + "/contexts/c1/interrupt"},
            new String[] {"POST", box + "/contexts/c1/restart"},
            new String[] {"DELETE", box + "/contexts/c1"},
            new String[] {"DELETE", box});
    for (String[] route : routes) {
      String body = route.length > 2 ? route[2] : route[0].equals("PUT") ? "stolen" : null;
      Reply reply = send(ALICE, route[0], route[1], body);
      assertThat(reply.status()).as("%s %s: %s", route[0], route[1], reply.body()).isEqualTo(404);
      assertThat(reply.json().getString("code")).isEqualTo("NOT_FOUND");
    }
    // An unknown sandbox and another tenant's are refused alike: nothing tells them apart.
    String theirs = send(ALICE, "GET", box + "/files/list", null).json().getString("message");
    String none =
        send(ALICE, "GET", "/v1/sandboxes/sbx-nosuchsandbox/files/list", null)
            .json()
            .getString("message");
    assertThat(theirs.replace(bobBox, "sbx-nosuchsandbox")).isEqualTo(none);
    assertThat(send(BOB, "GET", box, null).json().getString("phase")).isEqualTo("READY");
  }

  @Test
  void cellsRunInAContextThatKeepsTheirStateAndComeBackAsThePanelDrawsThem() throws Exception {
    String box = "/v1/sandboxes/" + aliceBox;
    JsonObject context = send(ALICE, "POST", box + "/contexts", "{}").json();
    assertThat(context.getString("language")).isEqualTo("python");
    assertThat(context.getBoolean("alive")).isTrue();
    String id = context.getString("id");
    String first =
        "{\"context_id\":\"" + id + "\",\"code\":\"import pandas as pd\\nx = 6*7\\nprint('hi')\"}";
    assertThat(send(ALICE, "POST", box + "/code", first).json().getJsonArray("events"))
        .containsExactly(new JsonObject().put("stdout", "hi\n"));

    JsonObject table =
        send(
                ALICE,
                "POST",
                box + "/code",
                "{\"context_id\":\"" + id + "\",\"code\":\"pd.DataFrame({'x': [x]})\"}")
            .json();
    assertThat(table.getString("context_id")).isEqualTo(id);
    assertThat(table.getLong("execution_count")).isEqualTo(2);
    JsonObject result = table.getJsonArray("events").getJsonObject(0).getJsonObject("result");
    assertThat(result.getBoolean("main")).isTrue();
    assertThat(result.getJsonObject("data").getString("text/html"))
        .contains("<table")
        .contains("42");

    JsonObject error =
        send(ALICE, "POST", box + "/code", "{\"context_id\":\"" + id + "\",\"code\":\"1/0\"}")
            .json()
            .getJsonArray("events")
            .getJsonObject(0)
            .getJsonObject("error");
    assertThat(error.getString("name")).isEqualTo("ZeroDivisionError");
    assertThat(String.join("\n", error.getJsonArray("traceback").getList()))
        .contains("division by zero");

    JsonArray listed = send(ALICE, "GET", box + "/contexts", null).json().getJsonArray("contexts");
    assertThat(listed.stream().map(c -> ((JsonObject) c).getString("id"))).contains(id);
    assertThat(send(ALICE, "POST", box + "/contexts/" + id + "/interrupt", null).status())
        .isEqualTo(200);
    assertThat(send(ALICE, "POST", box + "/contexts/" + id + "/restart", null).status())
        .isEqualTo(200);
    JsonObject forgotten =
        send(ALICE, "POST", box + "/code", "{\"context_id\":\"" + id + "\",\"code\":\"x\"}").json();
    assertThat(
            forgotten
                .getJsonArray("events")
                .getJsonObject(0)
                .getJsonObject("error")
                .getString("name"))
        .isEqualTo("NameError");
    assertThat(send(ALICE, "DELETE", box + "/contexts/" + id, null).json().getBoolean("deleted"))
        .isTrue();
    assertThat(send(ALICE, "POST", box + "/contexts/" + id + "/interrupt", null).status())
        .isEqualTo(404);
  }

  @Test
  void aCellIsCheckedBoundedAndDecidedByPolicy() throws Exception {
    String code = "/v1/sandboxes/" + aliceBox + "/code";
    Reply denied = send(ALICE, "POST", code, "{\"code\":\"import os\\nos.system('sh')\"}");
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.json().getString("message"))
        .contains("denied by rule \"no-shell-from-cells\"")
        .contains("cells may not start shells");
    assertThat(send(ALICE, "POST", code, "not json").status()).isEqualTo(400);
    assertThat(send(ALICE, "POST", code, "{}").json().getString("message"))
        .contains("code is required");
    Reply huge = send(ALICE, "POST", code, "{\"code\":\"" + "1".repeat(3 * 1024 * 1024) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    Reply tooLong = send(ALICE, "POST", code, "{\"code\":\"" + "1".repeat(1024 * 1024 + 1) + "\"}");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().getString("message")).contains("more than 1048576");
  }

  @Test
  void withoutAValidTokenNothingIsAnswered() throws Exception {
    Reply reply = send("not-a-token-0123456789", "GET", "/v1/sandboxes", null);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().getString("code")).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void aPolicyDenialIsForbiddenAndNamesTheRule() throws Exception {
    Reply reply =
        send(ALICE, "PUT", "/v1/sandboxes/" + aliceBox + "/files?path=/workspace/secrets/key", "k");
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(reply.json().getString("message"))
        .contains("denied by rule \"no-secrets\" of ToolPolicy \"console\"")
        .contains("secrets are off limits");
  }

  @Test
  void filesGoUpAndComeBackByteForByte() throws Exception {
    byte[] content = new byte[2 * 1024 * 1024 + 12_345];
    new Random(7).nextBytes(content);
    String path = "/v1/sandboxes/" + aliceBox + "/files?path=/workspace/data%20file.bin";
    HttpResponse<String> uploaded =
        http.send(
            authorized(ALICE, path).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
    assertThat(new JsonObject(uploaded.body()).getLong("size")).isEqualTo(content.length);

    HttpResponse<byte[]> downloaded =
        http.send(authorized(ALICE, path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(downloaded.statusCode()).isEqualTo(200);
    assertThat(downloaded.headers().firstValue("content-disposition"))
        .hasValue("attachment; filename=\"data_file.bin\"; filename*=UTF-8''data%20file.bin");
    assertThat(downloaded.body()).isEqualTo(content);

    JsonArray files =
        send(ALICE, "GET", "/v1/sandboxes/" + aliceBox + "/files/list?path=/workspace", null)
            .json()
            .getJsonArray("files");
    assertThat(files.stream().map(f -> ((JsonObject) f).getString("name")))
        .contains("data file.bin");
  }

  @Test
  void anUploadOverMaxFileBytesIsRefusedAndLeavesNothing() throws Exception {
    String path = "/v1/sandboxes/" + aliceBox + "/files?path=/workspace/big.bin";
    HttpResponse<String> refused =
        http.send(
            authorized(ALICE, path)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_FILE_BYTES + 1]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(new JsonObject(refused.body()).getString("message"))
        .contains("maxFileBytes " + MAX_FILE_BYTES);
    assertThat(send(ALICE, "GET", path, null).status()).isEqualTo(404);
  }

  @Test
  void theAuditViewShowsTheCallersDecisionsAboutTheSandboxNewestFirst() throws Exception {
    send(ALICE, "PUT", "/v1/sandboxes/" + aliceBox + "/files?path=/workspace/secrets/x", "x");
    JsonArray decisions = awaitDenial(aliceBox, "/workspace/secrets/x");
    assertThat(decisions.stream().map(d -> ((JsonObject) d).getString("tenant")))
        .containsOnly("alice");
    for (int i = 1; i < decisions.size(); i++) {
      assertThat(decisions.getJsonObject(i - 1).getString("time"))
          .isGreaterThanOrEqualTo(decisions.getJsonObject(i).getString("time"));
    }
    assertThat(decisions.stream().map(d -> ((JsonObject) d).getString("sandbox")))
        .containsOnly(aliceBox);
    Reply limited = send(ALICE, "GET", "/v1/sandboxes/" + aliceBox + "/audit?limit=1", null);
    assertThat(limited.json().getJsonArray("decisions")).hasSize(1);
    assertThat(send(ALICE, "GET", "/v1/sandboxes/" + aliceBox + "/audit?limit=0", null).status())
        .isEqualTo(400);
  }

  @Test
  void aSandboxIsCreatedSuspendedResumedAndDeleted() throws Exception {
    Reply created = send(BOB, "POST", "/v1/sandboxes", "{\"template\":\"python\"}");
    assertThat(created.json().getString("phase")).isEqualTo("READY");
    String box = "/v1/sandboxes/" + created.json().getString("id");
    assertThat(send(BOB, "POST", box + "/suspend", null).json().getString("phase"))
        .isEqualTo("SUSPENDED");
    assertThat(send(BOB, "POST", box + "/resume", null).json().getString("phase"))
        .isEqualTo("READY");
    assertThat(send(BOB, "DELETE", box, null).json().getBoolean("deleted")).isTrue();
    assertThat(send(BOB, "GET", box, null).status()).isEqualTo(404);
  }

  @Test
  void aCreateRequestIsCheckedAndBounded() throws Exception {
    Reply both = send(BOB, "POST", "/v1/sandboxes", "{\"template\":\"a\",\"warm_pool\":\"b\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().getString("message"))
        .contains("exactly one of template, warm_pool or snapshot");
    assertThat(send(BOB, "POST", "/v1/sandboxes", "not json").status()).isEqualTo(400);
    Reply huge = send(BOB, "POST", "/v1/sandboxes", "{\"x\":\"" + "y".repeat(70_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
  }

  @Test
  void theConsoleIsServedFromTheJarUnderAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("connect-src 'self'");
    HttpResponse<String> xterm =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/vendor/xterm.mjs")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(xterm.statusCode()).isEqualTo(200);
    assertThat(xterm.body()).contains("Terminal");
  }

  /** The sandbox's recent decisions, once they include the denial of a write to {@code path}. */
  private static JsonArray awaitDenial(String sandbox, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      JsonArray decisions =
          send(ALICE, "GET", "/v1/sandboxes/" + sandbox + "/audit", null)
              .json()
              .getJsonArray("decisions");
      boolean denied =
          decisions.stream()
              .map(JsonObject.class::cast)
              .anyMatch(
                  d ->
                      d.getString("decision").equals("deny")
                          && d.getString("rule").equals("console/no-secrets")
                          && path.equals(d.getJsonObject("args").getString("path")));
      if (denied) {
        return decisions;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no denial in " + decisions.encodePrettily());
      }
      // The audit log's own thread writes each decision a moment after it is made.
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Reply send(String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpResponse<String> response =
        http.send(
            authorized(token, path).method(method, publisher).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  private static HttpRequest.Builder authorized(String token, String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofMinutes(2))
        .header("authorization", "Bearer " + token);
  }
}
