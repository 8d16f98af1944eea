package dev.bastion.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.server.BastionServer;
import io.grpc.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP end to end: the official MCP TypeScript SDK (a client Bastion did not write) drives /mcp on a
 * real server with gVisor sandboxes, as an agent framework would: it lists the tools, creates a
 * sandbox, runs code and commands, moves files, meets a ToolPolicy and another tenant's sandbox,
 * and deletes what it made. The client runs once; each test reads one part of its report.
 */
class McpIT {

  static final String OPS = "mcp-ops-token-0123456789";
  static final String ALICE = "mcp-alice-token-0123456789";
  static final String BOB = "mcp-bob-token-0123456789";

  static final String POLICY =
      """
      apiVersion: bastion.dev/v1alpha1
      kind: ToolPolicy
      metadata: {name: agents}
      spec:
        tenants: [alice]
        rules:
        - name: no-sockets
          when: call.tool == "run_code" && call.code.contains("socket")
          action: Deny
          message: sockets are not allowed
        - name: no-secrets
          when: call.tool == "write_file" && call.path.startsWith("/workspace/secrets")
          action: Deny
      """;

  @TempDir static Path dir;
  static BastionServer server;
  static Api api;
  static Channel alice;
  static Channel bob;
  static String bobBox;
  static JsonObject report;

  @BeforeAll
  static void start() throws Exception {
    SandboxHost.require();
    NodeScript client =
        NodeScript.install("mcp", "mcp-client.mjs", dir.resolve("client"), Map.of());
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, OPS + " ops admin\n" + ALICE + " alice\n" + BOB + " bob\n");
    server = SandboxHost.start(dir.resolve("state"), tokens, 0);
    int port = server.port();
    api = new Api(port);
    alice = api.as(ALICE);
    bob = api.as(BOB);
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    ServerCli.run(port, OPS, 0, "apply", "-f", policy.toString());
    bobBox = Api.create(bob, "python").getId();
    report =
        client.drive(
            Map.of(
                "BASTION_MCP_URL", "http://127.0.0.1:" + port + "/mcp",
                "BASTION_TOKEN", ALICE,
                "OTHER_SANDBOX", bobBox));
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
  void aClientWithoutAValidTokenIsTurnedAway() {
    JsonObject refusal = report.getJsonObject("unauthenticated");
    assertThat(refusal.getInteger("status")).isEqualTo(401);
    assertThat(refusal.getString("message")).contains("a valid bearer token is required");
  }

  @Test
  void everyToolIsListed() {
    assertThat(report.getJsonObject("server").getString("name")).isEqualTo("bastion");
    assertThat(report.getJsonArray("tools").getList())
        .containsExactly(
            "create_context",
            "create_sandbox",
            "delete_sandbox",
            "delete_snapshot",
            "list_files",
            "list_sandboxes",
            "list_snapshots",
            "read_file",
            "restart_context",
            "run_code",
            "run_command",
            "snapshot_sandbox",
            "write_file");
  }

  @Test
  void aSandboxIsCreatedReady() {
    JsonObject sandbox = succeeded("create");
    assertThat(sandbox.getString("phase")).isEqualTo("READY");
    assertThat(sandbox.getString("template")).isEqualTo("python");
    assertThat(sandbox.getString("runtime")).isEqualTo("gvisor");
    assertThat(sandbox.getJsonObject("labels").getMap()).containsEntry("run", "mcp-it");
  }

  @Test
  void runCodeAnswersFortyTwo() {
    JsonObject run = succeeded("run");
    assertThat(run.getString("stdout")).isEqualTo("42\n");
    assertThat(run.getJsonObject("error")).isNull();
    assertThat(run.getLong("execution_count")).isPositive();
    assertThat(run.getBoolean("timed_out")).isFalse();
    JsonObject bash = succeeded("bash");
    assertThat(bash.getString("stderr")).isEqualTo("42\n");
    assertThat(bash.getInteger("exit_code")).isEqualTo(3);
  }

  @Test
  void pythonKeepsItsStateFromCallToCall() {
    assertThat(succeeded("setState").getJsonArray("results")).isEmpty();
    JsonObject get = succeeded("getState");
    assertThat(get.getJsonArray("results").getJsonObject(0).getString("text")).isEqualTo("42");
    assertThat(get.getJsonArray("results").getJsonObject(0).getBoolean("main")).isTrue();
    assertThat(get.getString("context_id")).startsWith("ctx-");
    assertThat(get.getString("context_id"))
        .isEqualTo(succeeded("setState").getString("context_id"));
  }

  @Test
  void aFigureIsAnImageAndATableIsText() throws Exception {
    JsonArray images = report.getJsonObject("figure").getJsonArray("images");
    assertThat(images).as(report.getJsonObject("figure").encode()).hasSize(1);
    assertThat(images.getJsonObject(0).getString("mimeType")).isEqualTo("image/png");
    BufferedImage png =
        ImageIO.read(
            new ByteArrayInputStream(
                Base64.getDecoder().decode(images.getJsonObject(0).getString("data"))));
    assertThat(png.getWidth()).isPositive();
    assertThat(succeeded("figure").getJsonArray("results").getJsonObject(0).getBoolean("image"))
        .isTrue();

    JsonObject table = succeeded("table").getJsonArray("results").getJsonObject(0);
    assertThat(table.getString("text")).contains("animal").contains("cat").contains("dog");
    assertThat(table.getJsonArray("mime_types").getList()).contains("text/html");
    assertThat(report.getJsonObject("table").getJsonArray("images")).isEmpty();
  }

  @Test
  void anExceptionComesBackWithItsTracebackWithoutColours() {
    JsonObject error = succeeded("error").getJsonObject("error");
    assertThat(error.getString("name")).isEqualTo("ZeroDivisionError");
    assertThat(error.getString("traceback"))
        .contains("ZeroDivisionError")
        .doesNotContain("\u001B[");
  }

  @Test
  void aContextOfItsOwnIsSeparateAndARestartClearsOnlyTheOneRestarted() {
    JsonObject own = succeeded("context");
    assertThat(own.getString("context_id"))
        .isNotEqualTo(succeeded("getState").getString("context_id"));
    assertThat(succeeded("inOwn").getString("stdout")).isEqualTo("own\n");
    assertThat(succeeded("defaultKept").getJsonArray("results").getJsonObject(0).getString("text"))
        .isEqualTo("41");
    assertThat(succeeded("restart").getString("context_id"))
        .isEqualTo(succeeded("getState").getString("context_id"));
    assertThat(succeeded("afterRestart").getJsonObject("error").getString("name"))
        .isEqualTo("NameError");
    assertThat(succeeded("ownKept").getJsonArray("results").getJsonObject(0).getString("text"))
        .isEqualTo("'own'");
    assertThat(failed("foreignContext")).startsWith("NOT_FOUND");
  }

  @Test
  void runCommandTakesItsEnvironmentAndDirectory() {
    assertThat(succeeded("command").getString("stdout")).isEqualTo("hello /workspace\n");
  }

  @Test
  void aTimeoutKillsTheProcess() {
    JsonObject timeout = succeeded("timeout");
    assertThat(timeout.getBoolean("timed_out")).isTrue();
    assertThat(timeout.getLong("duration_ms")).isLessThan(10_000);
  }

  @Test
  void filesAreWrittenReadAndListed() {
    assertThat(succeeded("write").getString("path")).isEqualTo("/workspace/hello.txt");
    assertThat(succeeded("writeNested").getString("path"))
        .isEqualTo("/workspace/made/by/write.txt");
    assertThat(failed("writeNoParents"))
        .isEqualTo("NOT_FOUND: directory /workspace/absent does not exist");
    JsonObject read = succeeded("read");
    assertThat(read.getString("content")).isEqualTo("héllo, wörld\n");
    assertThat(read.getBoolean("truncated")).isFalse();
    assertThat(values(succeeded("list").getJsonArray("entries"), "path"))
        .contains("/workspace/hello.txt");
  }

  @Test
  void sandboxesAreListedByLabelAndGoneOnceDeleted() {
    String id = succeeded("create").getString("id");
    assertThat(values(succeeded("listed").getJsonArray("sandboxes"), "id")).containsExactly(id);
    assertThat(succeeded("deleted").getBoolean("deleted")).isTrue();
    assertThat(succeeded("afterDelete").getJsonArray("sandboxes")).isEmpty();
  }

  @Test
  void aPolicyDenialIsAToolErrorNamingTheRule() throws Exception {
    assertThat(failed("denied"))
        .isEqualTo(
            "PERMISSION_DENIED: denied by rule \"no-sockets\" of ToolPolicy \"agents\": sockets"
                + " are not allowed");
    // The path is seen as sandboxd resolves it, so ../ does not get around the rule.
    assertThat(failed("deniedPath")).contains("rule \"no-secrets\"");
    JsonObject audited =
        AuditLines.await(
            dir.resolve("state").resolve("audit.jsonl"),
            line -> line.contains("\"tool\":\"run_code\"") && line.contains("\"deny\""));
    assertThat(audited.getString("tenant")).isEqualTo("alice");
    assertThat(audited.getString("rule")).isEqualTo("agents/no-sockets");
    assertThat(audited.getJsonObject("args").getString("code")).isEqualTo("import socket");
  }

  @Test
  void argumentsOutsideTheSchemaAreAToolError() {
    assertThat(failed("invalid")).contains("language");
  }

  @Test
  void anotherTenantsSandboxIsNotFound() {
    assertThat(failed("foreignRun")).isEqualTo("NOT_FOUND: sandbox " + bobBox + " not found");
    assertThat(failed("foreignDelete")).isEqualTo("NOT_FOUND: sandbox " + bobBox + " not found");
    assertThat(Api.run(bob, bobBox, "true").getExitCode()).isZero();
  }

  /** The structured result of step {@code step}, which must have succeeded. */
  private static JsonObject succeeded(String step) {
    JsonObject outcome = report.getJsonObject(step);
    assertThat(outcome.getBoolean("isError"))
        .as("%s: %s", step, outcome.getString("text"))
        .isFalse();
    return outcome.getJsonObject("structured");
  }

  /** The message of step {@code step}, which must have been a tool error. */
  private static String failed(String step) {
    JsonObject outcome = report.getJsonObject(step);
    assertThat(outcome.getBoolean("isError")).as("%s: %s", step, outcome).isTrue();
    return outcome.getString("text");
  }

  /** The {@code key} of each object in {@code objects}. */
  private static List<String> values(JsonArray objects, String key) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      values.add(objects.getJsonObject(i).getString(key));
    }
    return values;
  }
}
