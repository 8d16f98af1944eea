package dev.bastion.gateway.access;

import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's gRPC clients towards sandboxd: one per event loop, each with one HTTP/2 connection
 * per sandbox (per socket address) and many streams on it.
 *
 * <p>Why one per event loop: a Vert.x client binds a connection to the event loop that opened it,
 * and a call relayed from another loop crosses between the two threads for its headers, each
 * message and its end — a task handed over and a thread woken every time. An agent's call is
 * handled on the event loop of the agent's connection; taking that loop's own client keeps the
 * whole relay on one thread. A sandbox then has at most one connection per event loop.
 */
public final class SandboxdClients {

  private final Vertx vertx;
  private final long maxMessageBytes;
  private final Map<Thread, GrpcClient> byThread = new ConcurrentHashMap<>();

  /**
   * @param maxMessageBytes the largest message sandboxd may send
   */
  public SandboxdClients(Vertx vertx, long maxMessageBytes) {
    this.vertx = vertx;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The client of the calling thread: on an event loop, that loop's. Vert.x closes them all when it
   * closes.
   */
  GrpcClient current() {
    return byThread.computeIfAbsent(Thread.currentThread(), thread -> create());
  }

  private GrpcClient create() {
    HttpClientOptions http =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            .setHttp2MultiplexingLimit(-1)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(1024 * 1024))
            .setHttp2ConnectionWindowSize(16 * 1024 * 1024);
    return GrpcClient.client(
        vertx, new GrpcClientOptions().setMaxMessageSize(maxMessageBytes), http);
  }
}
