package dev.bastion.gateway.mcp;

import dev.bastion.gateway.auth.Authenticator;
import dev.bastion.gateway.auth.Tenant;
import dev.bastion.gateway.web.BoundedBody;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Mono;

/**
 * MCP's Streamable HTTP transport on the gateway's own HTTP server, stateless: each POST carries
 * one JSON-RPC message and is answered on its own — a request with one {@code application/json}
 * response, a notification with 202 — and no session or server-sent stream is kept. The caller is
 * authenticated with the same bearer tokens as gRPC before any MCP processing, and its tenant
 * travels to the tools in the {@link McpTransportContext}. Everything runs on the request's event
 * loop; the SDK's handlers are subscribed to, never blocked on.
 */
public final class McpHttpTransport implements McpStatelessServerTransport {

  /** Where the gateway serves MCP. */
  public static final String PATH = "/mcp";

  /** The key under which tools find the caller's {@link Tenant} in the transport context. */
  static final String TENANT = "bastion.tenant";

  /**
   * The largest message accepted: room for write_file's largest content, JSON-escaped, and no more.
   */
  static final int MAX_BODY = 4 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(McpHttpTransport.class.getName());
  private static final String JSON = "application/json";

  private final Authenticator authenticator;
  private final McpJsonMapper json;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  public McpHttpTransport(Authenticator authenticator, McpJsonMapper json) {
    this.authenticator = authenticator;
    this.json = json;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  /** Serves one HTTP request to {@link #PATH}. */
  public void handle(HttpServerRequest request) {
    Optional<McpHttpRules.Refusal> refusal = McpHttpRules.checkOrigin(request.headers());
    if (refusal.isPresent()) {
      refuse(request, refusal.get());
      return;
    }
    Optional<Tenant> tenant = authenticator.authenticate(request.getHeader("authorization"));
    if (tenant.isEmpty()) {
      refuse(
          request,
          new McpHttpRules.Refusal(
              401, "a valid bearer token is required (Authorization: Bearer <token>)"));
      return;
    }
    refusal =
        McpHttpRules.checkMessage(request.method(), request.headers(), protocolVersions())
            .or(
                () ->
                    closing
                        ? Optional.of(new McpHttpRules.Refusal(503, "the server is stopping"))
                        : Optional.empty());
    if (refusal.isPresent()) {
      refuse(request, refusal.get());
      return;
    }
    Context context = Vertx.currentContext();
    BoundedBody.read(request, MAX_BODY)
        .onComplete(
            read -> {
              if (read.succeeded()) {
                dispatch(request, context, tenant.get(), read.result());
              } else if (read.cause() instanceof BoundedBody.TooLarge tooLarge) {
                refuse(request, new McpHttpRules.Refusal(413, tooLarge.getMessage()));
                request.connection().close();
              }
            });
  }

  private void dispatch(HttpServerRequest request, Context context, Tenant tenant, Buffer body) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, body.toString(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      reply(request, 400, errorBody(McpSchema.ErrorCodes.PARSE_ERROR, "not a JSON-RPC message"));
      return;
    }
    McpTransportContext transportContext = McpTransportContext.create(Map.of(TENANT, tenant));
    if (message instanceof McpSchema.JSONRPCRequest call) {
      Mono<McpSchema.JSONRPCResponse> answer =
          handler
              .handleRequest(transportContext, call)
              .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, transportContext));
      Future.fromCompletionStage(answer.toFuture(), context)
          .onComplete(
              done ->
                  reply(
                      request,
                      200,
                      done.succeeded()
                          ? encode(done.result())
                          : encode(failedCall(call, done.cause()))));
    } else if (message instanceof McpSchema.JSONRPCNotification notification) {
      Mono<Void> handled = handler.handleNotification(transportContext, notification);
      Future.fromCompletionStage(handled.toFuture(), context)
          .onComplete(
              done -> {
                if (done.failed()) {
                  LOG.log(Level.WARNING, "an MCP notification failed", done.cause());
                }
                request.response().setStatusCode(202).end();
              });
    } else {
      // This server sends clients no requests, so no response can be an answer to one.
      reply(
          request,
          400,
          errorBody(
              McpSchema.ErrorCodes.INVALID_REQUEST, "send a JSON-RPC request or notification"));
    }
  }

  /**
   * The answer to a request whose handler failed: the SDK's own errors (unknown method, bad
   * parameters) as they are; anything else as an internal error that says nothing more.
   */
  private static McpSchema.JSONRPCResponse failedCall(
      McpSchema.JSONRPCRequest call, Throwable failure) {
    if (failure instanceof McpError error && error.getJsonRpcError() != null) {
      return McpSchema.JSONRPCResponse.error(call.id(), error.getJsonRpcError());
    }
    LOG.log(Level.WARNING, "MCP request " + call.method() + " failed", failure);
    return McpSchema.JSONRPCResponse.error(
        call.id(),
        new McpSchema.JSONRPCResponse.JSONRPCError(
            McpSchema.ErrorCodes.INTERNAL_ERROR, "internal error"));
  }

  private String encode(McpSchema.JSONRPCResponse response) {
    try {
      return json.writeValueAsString(response);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot encode an MCP response", e);
      return errorBody(McpSchema.ErrorCodes.INTERNAL_ERROR, "internal error");
    }
  }

  private static void refuse(HttpServerRequest request, McpHttpRules.Refusal refusal) {
    if (refusal.status() == 401) {
      request.response().putHeader("www-authenticate", "Bearer realm=\"bastion\"");
    } else if (refusal.status() == 405) {
      request.response().putHeader("allow", "POST");
    }
    reply(
        request,
        refusal.status(),
        errorBody(McpSchema.ErrorCodes.INVALID_REQUEST, refusal.message()));
  }

  private static void reply(HttpServerRequest request, int status, String body) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", JSON).end(body);
  }

  /** A JSON-RPC error that answers no request in particular, as the transport's refusals are. */
  private static String errorBody(int code, String message) {
    return new JsonObject()
        .put("jsonrpc", McpSchema.JSONRPC_VERSION)
        .putNull("id")
        .put("error", new JsonObject().put("code", code).put("message", message))
        .encode();
  }
}
