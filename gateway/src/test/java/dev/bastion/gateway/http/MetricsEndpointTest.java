package dev.bastion.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.auth.MetricsToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics on real Vert.x servers: one given a token, one not. */
class MetricsEndpointTest {

  private static final String TOKEN = "metrics-token-0123456789";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dir;
  private static Vertx vertx;
  private static URI guarded;
  private static URI open;

  @BeforeAll
  static void start() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("bastion.test.scrapes").register(registry).increment();
    MetricsToken token = MetricsToken.read(Files.writeString(dir.resolve("token"), TOKEN + "\n"));
    vertx = Vertx.vertx();
    guarded = listen(new MetricsEndpoint(registry, token));
    open = listen(new MetricsEndpoint(registry, null));
  }

  private static URI listen(MetricsEndpoint endpoint) throws Exception {
    HttpServer server =
        await(vertx.createHttpServer().requestHandler(endpoint::handle).listen(0, "127.0.0.1"));
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void withoutAnAuthorizationHeaderTheScrapeIsRefusedWithAChallenge() throws Exception {
    HttpResponse<String> response = get(guarded, null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("www-authenticate")).contains("Bearer");
    assertThat(response.body()).isEqualTo("a valid bearer token is required\n");
  }

  @Test
  void aWrongTokenIsRefused() throws Exception {
    HttpResponse<String> response = get(guarded, "Bearer " + TOKEN + "-not");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("bastion_test_scrapes");
  }

  @Test
  void theRightTokenGetsThePrometheusText() throws Exception {
    assertScrape(get(guarded, "Bearer " + TOKEN));
  }

  @Test
  void withoutATokenConfiguredTheScrapeIsOpen() throws Exception {
    assertScrape(get(open, null));
  }

  private static void assertScrape(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("# TYPE bastion_test_scrapes_total counter")
        .contains("bastion_test_scrapes_total 1.0");
  }

  private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
