package dev.bastion.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.TokenFile;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transport's HTTP rules and its answers, on a real Vert.x server with the SDK's stateless
 * server and three stand-in tools.
 */
class McpHttpTransportTest {

  private static final String TOKEN = "transport-test-token-0123";
  private static final String JSON = "application/json";
  private static final String BOTH = "application/json, text/event-stream";

  private static Vertx vertx;
  private static HttpServer server;
  private static URI uri;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    McpHttpTransport transport =
        new McpHttpTransport(new Authenticator(TokenFile.parse(List.of(TOKEN + " alice"))), json);
    JsonObject noArguments = Schemas.input(new JsonObject());
    JsonObject anything = Schemas.output(new JsonObject());
    McpServer.async(transport)
        .jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .tools(
            tool(
                json,
                "whoami",
                noArguments,
                anything,
                (tenant, arguments) -> Future.succeededFuture(Map.of("tenant", tenant.name()))),
            tool(
                json,
                "denied",
                noArguments,
                anything,
                (tenant, arguments) -> {
                  throw new SandboxError(
                      SandboxError.Kind.PERMISSION_DENIED,
                      "denied by rule \"r\" of ToolPolicy \"p\"");
                }),
            tool(
                json,
                "broken",
                noArguments,
                anything,
                (tenant, arguments) ->
                    Future.failedFuture(new IllegalStateException("secret /var/lib/x"))))
        .build();
    vertx = Vertx.vertx();
    server =
        await(vertx.createHttpServer().requestHandler(transport::handle).listen(0, "127.0.0.1"));
    uri = URI.create("http://127.0.0.1:" + server.actualPort() + McpHttpTransport.PATH);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void anUnauthenticatedCallIsRefusedBeforeAnythingElse() throws Exception {
    HttpResponse<String> response =
        send(request().header("Accept", BOTH).POST(body(initialize())).build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    assertThat(new JsonObject(response.body()).getJsonObject("error").getString("message"))
        .contains("bearer token");
  }

  @Test
  void aForeignOriginIsForbidden() throws Exception {
    HttpResponse<String> response =
        send(post(initialize()).header("Origin", "http://rebound.example").build());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void getOpensNoStream() throws Exception {
    HttpResponse<String> response =
        send(authorized().header("Accept", "text/event-stream").GET().build());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).contains("POST");
  }

  @Test
  void aClientThatCannotTakeEventStreamsIsNotAcceptable() throws Exception {
    HttpResponse<String> response =
        send(
            authorized()
                .header("Accept", JSON)
                .header("Content-Type", JSON)
                .POST(body(initialize()))
                .build());
    assertThat(response.statusCode()).isEqualTo(406);
  }

  @Test
  void aBodyOverTheBoundIsRefusedUnread() throws Exception {
    HttpResponse<String> response =
        send(
            post(new JsonObject())
                .expectContinue(true)
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(new byte[McpHttpTransport.MAX_BODY + 1]))
                .build());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void aBodyThatIsNoJsonRpcMessageIsAParseError() throws Exception {
    HttpResponse<String> response =
        send(authorizedJson().POST(HttpRequest.BodyPublishers.ofString("{not json")).build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getJsonObject("error").getInteger("code"))
        .isEqualTo(McpSchema.ErrorCodes.PARSE_ERROR);
  }

  @Test
  void aNotificationIsAccepted() throws Exception {
    HttpResponse<String> response =
        send(
            post(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"))
                .build());
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void initializeIsAnsweredWithJson() throws Exception {
    HttpResponse<String> response = send(post(initialize()).build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains(JSON);
    JsonObject answer = new JsonObject(response.body());
    assertThat(answer.getInteger("id")).isEqualTo(1);
    assertThat(answer.getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-06-18");
  }

  @Test
  void toolsSeeTheCallersTenant() throws Exception {
    JsonObject result = call("whoami", new JsonObject());
    assertThat(result.getBoolean("isError")).isFalse();
    assertThat(result.getJsonObject("structuredContent").getString("tenant")).isEqualTo("alice");
    assertThat(text(result)).isEqualTo("{\"tenant\":\"alice\"}");
  }

  @Test
  void aRefusalIsAToolErrorWithItsCodeAndMessage() throws Exception {
    JsonObject result = call("denied", new JsonObject());
    assertThat(result.getBoolean("isError")).isTrue();
    assertThat(text(result))
        .isEqualTo("PERMISSION_DENIED: denied by rule \"r\" of ToolPolicy \"p\"");
  }

  @Test
  void anUnexpectedFailureSaysNothingInternal() throws Exception {
    JsonObject result = call("broken", new JsonObject());
    assertThat(result.getBoolean("isError")).isTrue();
    assertThat(text(result)).isEqualTo("INTERNAL: internal error");
  }

  @Test
  void argumentsOutsideTheSchemaAreAToolErrorBeforeTheToolRuns() throws Exception {
    JsonObject result = call("whoami", new JsonObject().put("extra", 1));
    assertThat(result.getBoolean("isError")).isTrue();
    assertThat(result.containsKey("structuredContent")).isFalse();
  }

  @Test
  void anUnknownMethodIsAJsonRpcErrorForThatRequest() throws Exception {
    JsonObject answer =
        new JsonObject(
            send(post(new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", "nope"))
                    .build())
                .body());
    assertThat(answer.getInteger("id")).isEqualTo(7);
    assertThat(answer.getJsonObject("error").getInteger("code"))
        .isEqualTo(McpSchema.ErrorCodes.METHOD_NOT_FOUND);
  }

  private static McpStatelessServerFeatures.AsyncToolSpecification tool(
      McpJsonMapper json, String name, JsonObject input, JsonObject output, BastionTool.Call call) {
    return BastionTool.structured(
            BastionTool.describe(json, name, name, name, input, output, null), call)
        .specification();
  }

  private static JsonObject call(String tool, JsonObject arguments) throws Exception {
    HttpResponse<String> response =
        send(
            post(new JsonObject()
                    .put("jsonrpc", "2.0")
                    .put("id", 2)
                    .put("method", "tools/call")
                    .put("params", new JsonObject().put("name", tool).put("arguments", arguments)))
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonObject("result");
  }

  private static String text(JsonObject result) {
    return result.getJsonArray("content").getJsonObject(0).getString("text");
  }

  private static JsonObject initialize() {
    return new JsonObject()
        .put("jsonrpc", "2.0")
        .put("id", 1)
        .put("method", "initialize")
        .put(
            "params",
            new JsonObject()
                .put("protocolVersion", "2025-06-18")
                .put("capabilities", new JsonObject())
                .put("clientInfo", new JsonObject().put("name", "test").put("version", "1")));
  }

  private static HttpRequest.Builder request() {
    return HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(30));
  }

  private static HttpRequest.Builder authorized() {
    return request().header("Authorization", "Bearer " + TOKEN);
  }

  private static HttpRequest.Builder authorizedJson() {
    return authorized().header("Accept", BOTH).header("Content-Type", JSON);
  }

  private static HttpRequest.Builder post(JsonObject message) {
    return authorizedJson().POST(body(message));
  }

  private static HttpRequest.BodyPublisher body(JsonObject message) {
    return HttpRequest.BodyPublishers.ofString(message.encode());
  }

  private static HttpResponse<String> send(HttpRequest request)
      throws IOException, InterruptedException {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
