package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bastion.gateway.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client commands against a tiny HTTP server that answers like the Bastion resource API. */
class BastionHttpTest {

  private static final String TEMPLATE_YAML =
      """
      apiVersion: extensions.agents.x-k8s.io/v1alpha1
      kind: SandboxTemplate
      metadata:
        name: python
      ---
      apiVersion: extensions.agents.x-k8s.io/v1alpha1
      kind: SandboxWarmPool
      metadata:
        name: python-pool
      """;

  private record Request(
      String method, String path, String authorization, String contentType, String body) {}

  private record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  @TempDir Path dir;

  // Five minutes and a bit before the test, so the AGE column reads 5m.
  private final String created =
      Instant.now().minusSeconds(5 * 60 + 10).truncatedTo(ChronoUnit.SECONDS).toString();

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private String url;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void applySendsTheFileAsYamlWithTheTokenAndPrintsEachResult() throws IOException {
    Path file = Files.writeString(dir.resolve("python.yaml"), TEMPLATE_YAML);

    Run run = bastion("apply", "-f", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines())
        .containsExactly("sandboxtemplate/python created", "sandboxwarmpool/python-pool unchanged");
    assertThat(run.err()).isEmpty();
    assertThat(requests)
        .containsExactly(
            new Request(
                "POST", "/v1/apply", "Bearer good-token", "application/yaml", TEMPLATE_YAML));
  }

  @Test
  void aTokenWithALineBreakIsAClearErrorNotAStackTrace() {
    Run run =
        bastion("", Map.of("BASTION_SERVER", url, "BASTION_TOKEN", "#\ngood-token"), "get", "swp");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: the token contains a space, a line break or another character a header cannot"
                + " carry: check --token or BASTION_TOKEN\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void applyReadsStdinForDash() {
    Run run = bastion(TEMPLATE_YAML, env(), "apply", "-f", "-");

    assertThat(run.exitCode()).isZero();
    assertThat(requests).extracting(Request::body).containsExactly(TEMPLATE_YAML);
  }

  @Test
  void applySendsSeveralFilesInOrder() throws IOException {
    Path first = Files.writeString(dir.resolve("a.yaml"), "kind: SandboxTemplate\n");
    Path second = Files.writeString(dir.resolve("b.yaml"), "kind: SandboxWarmPool\n");

    Run run = bastion("apply", "-f", first.toString(), "--filename", second.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(requests)
        .extracting(Request::body)
        .containsExactly("kind: SandboxTemplate\n", "kind: SandboxWarmPool\n");
  }

  @Test
  void applyRefusesAFileOverOneMebibyteBeforeSendingAnything() throws IOException {
    Path small = Files.writeString(dir.resolve("small.yaml"), "kind: SandboxTemplate\n");
    Path big = Files.write(dir.resolve("big.yaml"), new byte[ManifestFile.MAX_BYTES + 1]);

    Run run = bastion("apply", "-f", small.toString(), "-f", big.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "error: " + big + " is larger than 1 MiB, the most Bastion reads from one file\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void applyNamesAMissingFile() {
    Run run = bastion("apply", "-f", dir.resolve("nope.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("error: cannot read " + dir.resolve("nope.yaml") + ": no such file\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(bastion("apply").exitCode()).isEqualTo(2);
    assertThat(bastion("apply", "-f", "-", "-f", "-").exitCode()).isEqualTo(2);
    assertThat(bastion("get").exitCode()).isEqualTo(2);
    assertThat(bastion("get", "sandbox", "-o", "xml").exitCode()).isEqualTo(2);
    assertThat(bastion("", Map.of(), "get", "sandbox", "-o", "xml").exitCode()).isEqualTo(2);
    assertThat(bastion("delete", "sandbox").exitCode()).isEqualTo(2);
    assertThat(requests).isEmpty();
  }

  @Test
  void aMissingTokenIsReportedBeforeAnyRequest() {
    Run run = bastion("", Map.of("BASTION_SERVER", url), "get", "sandboxes");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: no token: pass --token or set BASTION_TOKEN\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void flagsWinOverTheEnvironment() {
    Map<String, String> env =
        Map.of("BASTION_SERVER", "http://127.0.0.1:1", "BASTION_TOKEN", "env-token");

    Run run = bastion("", env, "get", "sandboxes", "--server", url + "/", "--token", "flag-token");

    assertThat(run.exitCode()).isZero();
    assertThat(requests).extracting(Request::authorization).containsExactly("Bearer flag-token");
  }

  @Test
  void serverErrorsPrintTheirMessageAndCode() throws IOException {
    Path file = Files.writeString(dir.resolve("python.yaml"), TEMPLATE_YAML);

    Run run = bastion("", env("denied-token"), "apply", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("error: tenant alice may not apply SandboxTemplate (PERMISSION_DENIED)\n");
  }

  @Test
  void anErrorThatIsNotJsonPrintsTheStatus() {
    Run run = bastion("", env("broken-token"), "delete", "sandbox", "x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: server answered HTTP 500\n");
  }

  @Test
  void anUnreachableServerIsNamed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String nobody = "http://127.0.0.1:" + closedPort;

    Run run = bastion("get", "sandboxes", "--server", nobody);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("error: cannot reach Bastion at " + nobody + ": connection refused\n");
  }

  @Test
  void getPrintsATable() {
    Run run = bastion("get", "sandboxes");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            "NAME          READY     REASON         AGE",
            "python-7f2k   True      SandboxReady   5m",
            "go-2b9x       Unknown   <none>         5m");
    assertThat(requests)
        .containsExactly(
            new Request("GET", "/v1/resources/sandboxes", "Bearer good-token", null, ""));
  }

  @Test
  void getWideAddsLabels() {
    Run run = bastion("get", "sandboxes", "-o", "wide");

    assertThat(run.outLines())
        .containsExactly(
            "NAME          READY     REASON         AGE   LABELS",
            "python-7f2k   True      SandboxReady   5m    app=agent",
            "go-2b9x       Unknown   <none>         5m    <none>");
  }

  @Test
  void getJsonPrintsTheListOrTheOneObject() {
    Run list = bastion("get", "sandboxes", "-o", "json");
    Run one = bastion("get", "sandbox", "python-7f2k", "-o", "json");

    assertThat(new JsonObject(list.out())).isEqualTo(new JsonObject().put("items", sandboxes()));
    assertThat(new JsonObject(one.out())).isEqualTo(sandboxes().getJsonObject(0));
    assertThat(requests)
        .extracting(Request::path)
        .containsExactly("/v1/resources/sandboxes", "/v1/resources/sandbox/python-7f2k");
  }

  @Test
  void getYamlPrintsTheObject() {
    Run run = bastion("get", "sandbox", "python-7f2k", "-o", "yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("kind: \"Sandbox\"")
        .contains("  name: \"python-7f2k\"")
        .contains("    app: \"agent\"")
        .doesNotContain("items");
  }

  @Test
  void getWithNothingFoundSaysSoOnStderr() {
    Run run = bastion("get", "toolpolicy");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("No resources found.\n");
  }

  @Test
  void successfulAnswersOfTheWrongShapeAreErrors() {
    Run odd = bastion("get", "odd");
    Run html = bastion("get", "html");

    assertThat(odd.exitCode()).isEqualTo(1);
    assertThat(odd.err())
        .isEqualTo("error: the server's answer does not have the expected shape\n");
    assertThat(html.exitCode()).isEqualTo(1);
    assertThat(html.err())
        .isEqualTo("error: server answered HTTP 200 with a body that is not JSON\n");
  }

  @Test
  void getEncodesKindAndName() {
    Run run = bastion("get", "sandbox", "a b/c");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: sandbox \"a b/c\" not found (NOT_FOUND)\n");
    assertThat(requests)
        .extracting(Request::path)
        .containsExactly("/v1/resources/sandbox/a%20b%2Fc");
  }

  @Test
  void deletePrintsTheCanonicalKind() {
    Run run = bastion("delete", "claim", "agent-1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).containsExactly("sandboxclaim/agent-1 deleted");
    assertThat(requests)
        .containsExactly(
            new Request("DELETE", "/v1/resources/claim/agent-1", "Bearer good-token", null, ""));
  }

  private Run bastion(String... args) {
    return bastion("", env(), args);
  }

  private Map<String, String> env() {
    return env("good-token");
  }

  private Map<String, String> env(String token) {
    Map<String, String> env = new HashMap<>();
    env.put("BASTION_SERVER", url);
    env.put("BASTION_TOKEN", token);
    return env;
  }

  private static Run bastion(String stdin, Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new Main());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    for (String name : List.of("apply", "get", "delete")) {
      ClientCommand command = cli.getSubcommands().get(name).getCommand();
      command.server.env = env::get;
    }
    ApplyCommand apply = cli.getSubcommands().get("apply").getCommand();
    apply.stdin = () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private void answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    requests.add(
        new Request(
            method,
            path,
            authorization,
            exchange.getRequestHeaders().getFirst("Content-Type"),
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    if ("Bearer denied-token".equals(authorization)) {
      reply(
          exchange, 403, error("PERMISSION_DENIED", "tenant alice may not apply SandboxTemplate"));
    } else if ("Bearer broken-token".equals(authorization)) {
      reply(exchange, 500, "<html>internal oops</html>");
    } else {
      switch (method + " " + path) {
        case "POST /v1/apply" ->
            reply(
                exchange,
                200,
                new JsonObject()
                    .put(
                        "results",
                        new JsonArray()
                            .add(result("SandboxTemplate", "python", "created"))
                            .add(result("SandboxWarmPool", "python-pool", "unchanged")))
                    .encode());
        case "GET /v1/resources/sandboxes" -> reply(exchange, 200, list("Sandbox", sandboxes()));
        case "GET /v1/resources/sandbox/python-7f2k" ->
            reply(exchange, 200, list("Sandbox", new JsonArray().add(sandboxes().getValue(0))));
        case "GET /v1/resources/toolpolicy" -> reply(exchange, 200, list("ToolPolicy", null));
        case "GET /v1/resources/odd" -> reply(exchange, 200, "{\"items\": \"none\"}");
        case "GET /v1/resources/html" -> reply(exchange, 200, "<html>hello</html>");
        case "DELETE /v1/resources/claim/agent-1" ->
            reply(exchange, 200, result("SandboxClaim", "agent-1", "deleted").encode());
        default -> reply(exchange, 404, error("NOT_FOUND", "sandbox \"a b/c\" not found"));
      }
    }
  }

  private JsonArray sandboxes() {
    return new JsonArray(
        """
        [{"apiVersion": "agents.x-k8s.io/v1alpha1", "kind": "Sandbox",
          "metadata": {"name": "python-7f2k", "creationTimestamp": "%1$s",
                       "labels": {"app": "agent"}},
          "spec": {"podTemplate": {}},
          "status": {"conditions": [{"type": "Ready", "status": "True",
                                     "reason": "SandboxReady"}]}},
         {"apiVersion": "agents.x-k8s.io/v1alpha1", "kind": "Sandbox",
          "metadata": {"name": "go-2b9x", "creationTimestamp": "%1$s"}}]
        """
            .formatted(created));
  }

  private static String list(String kind, JsonArray items) {
    return new JsonObject()
        .put("kind", kind)
        .put("items", items == null ? new JsonArray() : items)
        .encode();
  }

  private static JsonObject result(String kind, String name, String action) {
    return new JsonObject().put("kind", kind).put("name", name).put("action", action);
  }

  private static String error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message).encode();
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
