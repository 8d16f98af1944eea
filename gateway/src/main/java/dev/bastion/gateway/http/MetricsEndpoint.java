package dev.bastion.gateway.http;

import dev.bastion.gateway.auth.MetricsToken;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /metrics}: the Prometheus scrape. Behind a bearer token when the server was given one
 * ({@code serve --metrics-token-file}); without one it answers anyone who reaches the port, which
 * suits a scrape over loopback or a private interface.
 */
public final class MetricsEndpoint {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final MetricsToken token;

  /**
   * @param token what a scraper must present, or null to serve the metrics to anyone
   */
  public MetricsEndpoint(PrometheusMeterRegistry registry, MetricsToken token) {
    this.registry = registry;
    this.token = token;
  }

  public void handle(HttpServerRequest request) {
    if (token != null && !token.admits(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      request.response().putHeader("www-authenticate", "Bearer");
      HttpEndpoints.reply(request, 401, HttpEndpoints.TEXT, "a valid bearer token is required\n");
      return;
    }
    HttpEndpoints.reply(request, 200, PROMETHEUS_TEXT, registry.scrape());
  }
}
