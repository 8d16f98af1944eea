package dev.bastion.gateway.server;

import dev.bastion.gateway.grpc.GrpcAdmission;
import dev.bastion.gateway.http.HttpEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import java.util.List;
import java.util.function.Function;

/**
 * Serves gRPC (h2c) and the HTTP endpoints on one port. Several instances share the port, one per
 * event loop; each only starts and stops its server.
 */
final class GatewayVerticle extends VerticleBase {

  private final ServerConfig config;
  private final Function<io.vertx.core.Vertx, GrpcServer> grpcServers;
  private final GrpcAdmission admission;
  private final HttpEndpoints endpoints;
  private HttpServer server;

  GatewayVerticle(
      ServerConfig config,
      Function<io.vertx.core.Vertx, GrpcServer> grpcServers,
      GrpcAdmission admission,
      HttpEndpoints endpoints) {
    this.config = config;
    this.grpcServers = grpcServers;
    this.admission = admission;
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = grpcServers.apply(vertx);
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            // Vert.x's 64 KiB windows make multi-MB messages crawl; streams still get
            // flow control, just with room to move.
            .setInitialSettings(
                new Http2Settings()
                    .setInitialWindowSize(1024 * 1024)
                    .setMaxConcurrentStreams(10_000)
                    .setMaxFrameSize(64 * 1024))
            .setHttp2ConnectionWindowSize(16 * 1024 * 1024)
            // Terminals accept the subprotocol bearer.<token> a browser offers (TerminalRoute
            // checks it before the upgrade); the handshake echoes it, as browsers require.
            .setWebSocketSubProtocols(List.of("*"));
    server =
        vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  String type = request.getHeader("content-type");
                  if (type != null && type.startsWith("application/grpc")) {
                    if (admission.admit(request)) {
                      grpc.handle(request);
                    }
                  } else {
                    endpoints.handle(request);
                  }
                });
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
