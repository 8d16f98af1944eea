package dev.bastion.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls to sandboxd stay on the event loop that makes them: each loop has its own connection to a
 * sandbox, and the calls of one loop share it.
 */
class SandboxdClientsTest {

  private Vertx vertx;
  private HttpServer sandboxd;
  private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startStandIn() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    GrpcServer grpc = GrpcServer.server(vertx).addService(HealthService.create(vertx));
    sandboxd =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(
                request -> {
                  connections.add(request.connection());
                  grpc.handle(request);
                })
            .listen()
            .await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void eachEventLoopHasItsOwnConnectionAndItsCallsShareIt() {
    SandboxdClients clients = new SandboxdClients(vertx, 1 << 20);
    SocketAddress address = SocketAddress.inetSocketAddress(sandboxd.actualPort(), "127.0.0.1");
    Map<Thread, List<HttpConnection>> seenByLoop = new ConcurrentHashMap<>();

    vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    List<Future<?>> calls = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                      calls.add(
                          clients
                              .current()
                              .request(address)
                              .compose(
                                  request -> {
                                    // The standard health check; an empty request is a valid one.
                                    request
                                        .serviceName(ServiceName.create("grpc.health.v1.Health"))
                                        .methodName("Check");
                                    seenByLoop
                                        .computeIfAbsent(
                                            Thread.currentThread(), t -> new ArrayList<>())
                                        .add(request.connection());
                                    return request.send(Buffer.buffer());
                                  })
                              .compose(response -> response.last()));
                    }
                    return Future.all(calls);
                  }
                },
            new DeploymentOptions().setInstances(2))
        .await();

    assertThat(seenByLoop).hasSize(2);
    seenByLoop.values().forEach(seen -> assertThat(Set.copyOf(seen)).hasSize(1));
    assertThat(connections).hasSize(2);
  }
}
