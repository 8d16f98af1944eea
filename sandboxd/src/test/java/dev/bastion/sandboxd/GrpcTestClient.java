package dev.bastion.sandboxd;

import dev.bastion.api.grpc.StatusMessages;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A thin gRPC client over the Unix socket or TCP, with blocking helpers for tests. */
final class GrpcTestClient implements AutoCloseable {

  static final long TIMEOUT_SECONDS = 20;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final GrpcClient client = GrpcClient.client(vertx);
  private final SocketAddress address;
  private final String authorization;

  GrpcTestClient(Path socket) {
    this(SocketAddress.domainSocketAddress(socket.toString()), null);
  }

  /** A client whose every call carries {@code authorization} as that header, unless null. */
  GrpcTestClient(SocketAddress address, String authorization) {
    this.address = address;
    this.authorization = authorization;
  }

  /** How a call ended and what it returned. */
  record Outcome<T>(GrpcStatus status, String message, List<T> messages) {
    T single() {
      if (status != GrpcStatus.OK || messages.size() != 1) {
        throw new AssertionError("expected one message and OK, got " + this);
      }
      return messages.get(0);
    }
  }

  /** Sends {@code requests}, half-closes, and waits for the whole response. */
  @SafeVarargs
  final <Req, Resp> Outcome<Resp> call(ServiceMethod<Resp, Req> method, Req... requests)
      throws Exception {
    Live<Req, Resp> live = open(method);
    for (Req request : requests) {
      live.send(request);
    }
    live.request.end();
    return live.outcome();
  }

  /** Opens a streaming call to drive by hand. */
  <Req, Resp> Live<Req, Resp> open(ServiceMethod<Resp, Req> method) throws Exception {
    GrpcClientRequest<Req, Resp> request =
        client
            .request(address, method)
            .toCompletionStage()
            .toCompletableFuture()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (authorization != null) {
      request.headers().set("authorization", authorization);
    }
    return new Live<>(request);
  }

  /** An open call: what was received so far, and how it ended. */
  static final class Live<Req, Resp> {
    final GrpcClientRequest<Req, Resp> request;
    final LinkedBlockingQueue<Resp> received = new LinkedBlockingQueue<>();
    final List<Resp> all = new CopyOnWriteArrayList<>();
    final CompletableFuture<Outcome<Resp>> done = new CompletableFuture<>();

    Live(GrpcClientRequest<Req, Resp> request) {
      this.request = request;
      request
          .response()
          .onFailure(done::completeExceptionally)
          .onSuccess(
              response -> {
                response.handler(
                    message -> {
                      all.add(message);
                      received.add(message);
                    });
                response
                    .end()
                    .onComplete(
                        ended ->
                            done.complete(
                                new Outcome<>(
                                    response.status(),
                                    StatusMessages.of(response),
                                    List.copyOf(all))));
              });
    }

    void send(Req message) throws Exception {
      request
          .write(message)
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Resp next() throws InterruptedException {
      Resp message = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (message == null) {
        throw new AssertionError("no message within " + TIMEOUT_SECONDS + "s");
      }
      return message;
    }

    Outcome<Resp> outcome() throws Exception {
      return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    void cancel() {
      request.cancel();
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
