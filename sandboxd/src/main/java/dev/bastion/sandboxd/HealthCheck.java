package dev.bastion.sandboxd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code sandboxd --health-check}: one gRPC health Check against the sandboxd that the same flags
 * (or environment) configure — over TCP when it listens there, else over its Unix socket, with the
 * token when it has one. A container image's HEALTHCHECK runs it.
 */
final class HealthCheck {

  static final long TIMEOUT_SECONDS = 3;

  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK =
      ServiceMethod.client(
          ServiceName.create("grpc.health.v1.Health"),
          "Check",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));

  private HealthCheck() {}

  /**
   * Probes the server {@code config} describes.
   *
   * @return empty when it answers SERVING, else one line saying why not
   */
  static Optional<String> probe(SandboxdConfig config) {
    String header;
    try {
      header =
          config.tokenFile() == null ? null : BearerToken.read(config.tokenFile()).headerValue();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    SocketAddress address;
    String target;
    if (config.listen() != null) {
      ListenAddress listen = config.listen();
      address = SocketAddress.inetSocketAddress(listen.port(), listen.connectHost());
      target = new ListenAddress(listen.connectHost(), listen.port()).toString();
    } else {
      address = SocketAddress.domainSocketAddress(config.socket().toString());
      target = config.socket().toString();
    }
    // Unix sockets need Netty's native transport; TCP starts quicker without loading it.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(config.listen() == null));
    try {
      GrpcClient client =
          GrpcClient.client(
              vertx,
              new GrpcClientOptions(),
              // gRPC's own: HTTP/2 with prior knowledge, as GrpcClient.client(vertx) sets it.
              new HttpClientOptions()
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(false)
                  .setConnectTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
      return check(client, address, header)
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return Optional.of(
          "no answer from sandboxd at " + target + " within " + TIMEOUT_SECONDS + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
      return Optional.of("cannot reach sandboxd at " + target + ": " + reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } finally {
      vertx.close();
    }
  }

  private static Future<Optional<String>> check(
      GrpcClient client, SocketAddress address, String header) {
    return client
        .request(address, CHECK)
        .compose(
            request -> {
              if (header != null) {
                request.headers().set(BearerToken.HEADER, header);
              }
              return request.send(HealthCheckRequest.getDefaultInstance());
            })
        .compose(
            response -> {
              HealthCheckResponse.Builder answer = HealthCheckResponse.newBuilder();
              response.handler(answer::mergeFrom);
              return response
                  .end()
                  .transform(
                      ended -> {
                        if (response.status() != GrpcStatus.OK) {
                          return Future.succeededFuture(
                              Optional.of(
                                  "sandboxd answered "
                                      + response.status().name()
                                      + (response.statusMessage() == null
                                          ? ""
                                          : ": " + response.statusMessage())));
                        }
                        ServingStatus status = answer.getStatus();
                        return Future.succeededFuture(
                            status == ServingStatus.SERVING
                                ? Optional.empty()
                                : Optional.of("sandboxd is " + status));
                      });
            });
  }
}
