package dev.bastion.sandboxd;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The gRPC server: Processes, Files and Health over HTTP/2 cleartext on a Unix domain socket, on
 * TCP, or on both; behind the sandbox's bearer token when it has one (always on TCP).
 *
 * <p>It runs a single event loop. All process bookkeeping is confined to that thread, so it needs
 * no locks, and the gateway multiplexes everything over one HTTP/2 connection per sandbox anyway,
 * which would pin it to one loop regardless.
 */
public final class SandboxdServer {

  private static final Logger LOG = Logger.getLogger(SandboxdServer.class.getName());
  // Big enough for a Run's stdin or a Write chunk, small enough for a 48 MiB heap.
  private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /** Written next to the socket once it is closed for a checkpoint; see {@link #quiesce}. */
  public static final String QUIESCED_NAME = "checkpoint-ready";

  /** Names, next to the socket, the hostname a restored copy takes; see {@link #rebind}. */
  static final String HOSTNAME_NAME = "hostname";

  private final Vertx vertx;
  private final SandboxdConfig config;
  private final Handler<HttpServerRequest> grpc;
  private final Future<HttpServer> tcp;
  // Confined to the event loop: the Unix listener (bound or being bound), null while quiesced.
  private Future<HttpServer> unix;

  private SandboxdServer(
      Vertx vertx,
      SandboxdConfig config,
      Handler<HttpServerRequest> grpc,
      Future<HttpServer> unix,
      Future<HttpServer> tcp) {
    this.vertx = vertx;
    this.config = config;
    this.grpc = grpc;
    this.unix = unix;
    this.tcp = tcp;
  }

  /**
   * Starts serving; the returned future completes once every configured listener (Unix socket, TCP)
   * accepts connections. It fails with a one-sentence message when the token file cannot be used or
   * a listener cannot bind.
   */
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
      if (config.socket() != null && !vertx.isNativeTransportEnabled()) {
        throw new IllegalStateException(
            "native transport unavailable (Unix sockets need it): "
                + vertx.unavailableNativeTransportCause());
      }
      // Read before anything listens: a sandbox that would refuse every call must not start.
      BearerToken token = config.tokenFile() == null ? null : BearerToken.read(config.tokenFile());
      WorkspacePaths paths = new WorkspacePaths(config.workspace());
      GrpcServer grpc =
          GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(MAX_MESSAGE_BYTES));
      Spawner spawner = new Spawner(config.runAs());
      new ProcessService(vertx, config, paths, spawner).bind(grpc);
      new FileService(vertx, paths, config.maxFileBytes(), config.runAs()).bind(grpc);
      new ContextService(vertx, config, paths, spawner).bind(grpc);
      grpc.addService(HealthService.create(vertx));
      Handler<HttpServerRequest> services = token == null ? grpc : new TokenGate(token, grpc);
      Promise<HttpServer> unixBound = Promise.promise();
      Promise<HttpServer> tcpBound = Promise.promise();
      Future<HttpServer> unix = unixBound.future();
      Future<HttpServer> tcp = tcpBound.future();
      SandboxdServer server = new SandboxdServer(vertx, config, grpc, unix, tcp);
      if (config.socket() != null) {
        // Before anything binds: the host signals once the socket accepts, which may be before
        // this thread gets further, and SIGUSR1 unhandled would end sandboxd.
        CheckpointSignals.install(vertx, server);
        listenUnix(vertx, config, services).onComplete(unixBound);
      } else {
        unixBound.complete(null);
      }
      if (config.listen() != null) {
        listen(
                vertx,
                services,
                SocketAddress.inetSocketAddress(config.listen().port(), config.listen().host()))
            .onComplete(tcpBound);
      } else {
        tcpBound.complete(null);
      }
      return Future.all(unix, tcp)
          .map(
              listening -> {
                // Only now: the threads' first native calls load JNA, which would otherwise
                // compete with the start-up for the sandbox's CPU before the socket is bound.
                spawner.start();
                LOG.info(
                    "sandboxd serving on "
                        + listeners(config, server.tcpPort())
                        + ", workspace "
                        + config.workspace());
                return server;
              })
          .onFailure(e -> vertx.close());
    } catch (RuntimeException | IOException e) {
      vertx.close();
      return Future.failedFuture(e);
    }
  }

  /**
   * The TCP port sandboxd listens on (the one chosen when {@code --listen} asked for port 0), or -1
   * when it serves only a Unix socket.
   */
  public int tcpPort() {
    return tcp.result() == null ? -1 : tcp.result().actualPort();
  }

  /**
   * Gets ready for a checkpoint of the sandbox: gVisor cannot save a listening Unix socket bound on
   * a host directory, nor a connection accepted on it, so the listener and every connection the
   * host made go. Then {@link #QUIESCED_NAME} appears next to the socket, telling the host it may
   * checkpoint. Processes, terminals and code contexts run on; calls in flight end, and the host's
   * client reconnects after {@link #rebind}. Runs on the event loop.
   */
  void quiesce() {
    Future<HttpServer> listening = unix;
    unix = null;
    Future<Void> closed =
        listening == null
            ? Future.succeededFuture()
            : listening.transform(
                bound -> bound.succeeded() ? bound.result().close() : Future.succeededFuture());
    closed.onComplete(
        done -> {
          try {
            Files.writeString(quiescedMarker(config), "");
          } catch (IOException e) {
            LOG.warning("cannot tell the host the socket is closed: " + e.getMessage());
          }
          LOG.info("sandboxd closed its socket for a checkpoint");
        });
  }

  /**
   * Serves again after {@link #quiesce}: in the same sandbox when a checkpoint that kept it running
   * is done, or in a restored copy, whose socket directory is a new one holding that sandbox's own
   * token and hostname. The token is read again for that reason: a copy must answer only its own
   * caller. Runs on the event loop.
   */
  void rebind() {
    if (unix != null) {
      return;
    }
    try {
      Files.deleteIfExists(quiescedMarker(config));
      RestoredHostname.apply(
          config.socket().resolveSibling(HOSTNAME_NAME), Path.of("/proc/sys/kernel/hostname"));
      Handler<HttpServerRequest> services =
          config.tokenFile() == null
              ? grpc
              : new TokenGate(BearerToken.read(config.tokenFile()), grpc);
      unix =
          listenUnix(vertx, config, services)
              .onSuccess(bound -> LOG.info("sandboxd serving again on " + config.socket()))
              .onFailure(e -> LOG.severe("sandboxd cannot serve again: " + e.getMessage()));
    } catch (IOException | IllegalArgumentException e) {
      LOG.severe("sandboxd cannot serve again: " + e.getMessage());
    }
  }

  private static Path quiescedMarker(SandboxdConfig config) {
    return config.socket().resolveSibling(QUIESCED_NAME);
  }

  private static Future<HttpServer> listenUnix(
      Vertx vertx, SandboxdConfig config, Handler<HttpServerRequest> services) throws IOException {
    prepareSocketPath(config);
    return listen(vertx, services, SocketAddress.domainSocketAddress(config.socket().toString()));
  }

  /** Stops serving and releases the event loop and worker threads. */
  public Future<Void> close() {
    return vertx.close();
  }

  private static Future<HttpServer> listen(
      Vertx vertx, Handler<HttpServerRequest> handler, SocketAddress address) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setInitialSettings(
                new Http2Settings().setMaxConcurrentStreams(10_000).setInitialWindowSize(1 << 20))
            .setHttp2ConnectionWindowSize(16 << 20);
    return vertx.createHttpServer(options).requestHandler(handler).listen(address);
  }

  private static String listeners(SandboxdConfig config, int tcpPort) {
    List<String> on = new ArrayList<>();
    if (config.socket() != null) {
      on.add(config.socket().toString());
    }
    if (config.listen() != null) {
      on.add("tcp " + new ListenAddress(config.listen().host(), tcpPort));
    }
    return String.join(" and ", on) + (config.tokenFile() == null ? "" : " (token required)");
  }

  /** Removes a socket file left by an earlier run, which would make bind fail. */
  private static void prepareSocketPath(SandboxdConfig config) throws IOException {
    Files.createDirectories(config.socket().getParent());
    if (!Files.isDirectory(config.socket(), LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(config.socket());
    }
  }
}
