package dev.bastion.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vert.x's connection pools in a real scrape, reaching "sandboxd" as the gateway does. */
class GatewayMetricsOptionsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Vertx vertx =
      Vertx.builder()
          .with(
              new VertxOptions()
                  .setPreferNativeTransport(true)
                  .setMetricsOptions(GatewayMetricsOptions.create()))
          .withMetrics(new MicrometerMetricsFactory(registry))
          .build();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void connectionPoolsToSandboxdNameNoAddressAndWorkerPoolsKeepTheirNames(@TempDir Path dir)
      throws Exception {
    assertThat(vertx.isNativeTransportEnabled()).as("Unix sockets need epoll").isTrue();
    // Where embedded mode keeps alice's sandbox's socket, and a pod's address on Kubernetes.
    Path socket = dir.resolve("sandboxes/alice_sbx-1/run/sandboxd.sock");
    Files.createDirectories(socket.getParent());
    SocketAddress unix = SocketAddress.domainSocketAddress(socket.toString());
    await(server().listen(unix));
    HttpServer tcp = await(server().listen(0, "127.0.0.1"));
    SocketAddress pod = SocketAddress.inetSocketAddress(tcp.actualPort(), "127.0.0.1");
    HttpClient client = vertx.createHttpClient();
    assertThat(get(client, unix)).isEqualTo(200);
    assertThat(get(client, pod)).isEqualTo(200);
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("bastion-test");
    await(workers.executeBlocking(() -> "done"));

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "vertx_pool_queue_time_seconds_count{pool_name=\"sandboxd\",pool_type=\"http\"} 2")
        .contains("pool_name=\"bastion-test\"")
        .doesNotContain("alice")
        .doesNotContain(socket.toString())
        .doesNotContain("127.0.0.1:" + tcp.actualPort());
  }

  private HttpServer server() {
    return vertx.createHttpServer().requestHandler(request -> request.response().end("ok"));
  }

  private static int get(HttpClient client, SocketAddress server) throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setServer(server)
            .setHost("localhost")
            .setMethod(HttpMethod.GET)
            .setURI("/");
    return await(
        client
            .request(options)
            .compose(request -> request.send())
            .compose(response -> response.body().map(body -> response))
            .map(HttpClientResponse::statusCode));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
