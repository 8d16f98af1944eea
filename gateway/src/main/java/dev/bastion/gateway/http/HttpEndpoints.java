package dev.bastion.gateway.http;

import dev.bastion.gateway.console.WebConsole;
import dev.bastion.gateway.mcp.McpHttpTransport;
import dev.bastion.gateway.terminal.TerminalRoute;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * The plain HTTP endpoints beside gRPC: liveness, readiness, Prometheus metrics, the resource API
 * of {@code bastion apply/get/delete}, MCP, the web console with its JSON API, and the WebSocket
 * terminals.
 */
public final class HttpEndpoints {

  static final String TEXT = "text/plain; charset=utf-8";

  private final BooleanSupplier live;
  private final BooleanSupplier ready;
  private final MetricsEndpoint metrics;
  private final ResourceApi resources;
  private final McpHttpTransport mcp;
  private final WebConsole console;
  private final TerminalRoute terminals;

  /**
   * @param live whether the process works as it should (/healthz); false asks for a restart
   * @param ready whether the server can create sandboxes right now
   */
  public HttpEndpoints(
      BooleanSupplier live,
      BooleanSupplier ready,
      MetricsEndpoint metrics,
      ResourceApi resources,
      McpHttpTransport mcp,
      WebConsole console,
      TerminalRoute terminals) {
    this.live = live;
    this.ready = ready;
    this.metrics = metrics;
    this.resources = resources;
    this.mcp = mcp;
    this.console = console;
    this.terminals = terminals;
  }

  public void handle(HttpServerRequest request) {
    if (request.path().equals(McpHttpTransport.PATH)) {
      mcp.handle(request);
      return;
    }
    if (TerminalRoute.handles(request.path())) {
      terminals.handle(request);
      return;
    }
    if (WebConsole.handles(request.path())) {
      console.handle(request);
      return;
    }
    if (ResourceApi.handles(request.path())) {
      resources.handle(request);
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      reply(request, 405, TEXT, "method not allowed\n");
      return;
    }
    switch (request.path()) {
      case "/healthz" -> {
        boolean isLive = live.getAsBoolean();
        reply(request, isLive ? 200 : 503, TEXT, isLive ? "ok\n" : "unhealthy: restart me\n");
      }
      case "/readyz" -> {
        boolean isReady = ready.getAsBoolean();
        reply(request, isReady ? 200 : 503, TEXT, isReady ? "ready\n" : "not ready\n");
      }
      case "/metrics" -> metrics.handle(request);
      default -> reply(request, 404, TEXT, "not found\n");
    }
  }

  static void reply(HttpServerRequest request, int status, String type, String body) {
    request.response().setStatusCode(status).putHeader("content-type", type).end(body);
  }
}
