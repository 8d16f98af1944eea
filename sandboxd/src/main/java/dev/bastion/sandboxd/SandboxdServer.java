package dev.bastion.sandboxd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The gRPC server: Processes, Files and Health over HTTP/2 cleartext on a Unix domain socket.
 *
 * <p>It runs a single event loop. All process bookkeeping is confined to that thread, so it needs
 * no locks, and the gateway multiplexes everything over one HTTP/2 connection per sandbox anyway,
 * which would pin it to one loop regardless.
 */
public final class SandboxdServer {

  private static final Logger LOG = Logger.getLogger(SandboxdServer.class.getName());
  // Big enough for a Run's stdin or a Write chunk, small enough for a 48 MiB heap.
  private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  private final Vertx vertx;

  private SandboxdServer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts serving; the returned future completes once the socket accepts connections. */
  public static Future<SandboxdServer> start(SandboxdConfig config) {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(1)
                // The checker wakes every second in every idle sandbox, and each wake-up under
                // gVisor costs CPU the whole machine shares; a blocked loop shows as a stalled
                // call.
                .setBlockedThreadCheckInterval(TimeUnit.MINUTES.toMillis(10))
                // The root filesystem is read-only: no classpath file cache to unpack.
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
    try {
      if (!vertx.isNativeTransportEnabled()) {
        throw new IllegalStateException(
            "native transport unavailable (Unix sockets need it): "
                + vertx.unavailableNativeTransportCause());
      }
      WorkspacePaths paths = new WorkspacePaths(config.workspace());
      GrpcServer grpc =
          GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(MAX_MESSAGE_BYTES));
      new ProcessService(vertx, config, paths).bind(grpc);
      new FileService(vertx, paths, config.maxFileBytes()).bind(grpc);
      grpc.addService(HealthService.create(vertx));
      prepareSocketPath(config);
      HttpServerOptions options =
          new HttpServerOptions()
              .setInitialSettings(
                  new Http2Settings().setMaxConcurrentStreams(10_000).setInitialWindowSize(1 << 20))
              .setHttp2ConnectionWindowSize(16 << 20);
      return vertx
          .createHttpServer(options)
          .requestHandler(grpc)
          .listen(SocketAddress.domainSocketAddress(config.socket().toString()))
          .map(
              listening -> {
                LOG.info(
                    "sandboxd serving on " + config.socket() + ", workspace " + config.workspace());
                return new SandboxdServer(vertx);
              })
          .onFailure(e -> vertx.close());
    } catch (RuntimeException | IOException e) {
      vertx.close();
      return Future.failedFuture(e);
    }
  }

  /** Stops serving and releases the event loop and worker threads. */
  public Future<Void> close() {
    return vertx.close();
  }

  /** Removes a socket file left by an earlier run, which would make bind fail. */
  private static void prepareSocketPath(SandboxdConfig config) throws IOException {
    Files.createDirectories(config.socket().getParent());
    if (!Files.isDirectory(config.socket(), LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(config.socket());
    }
  }
}
