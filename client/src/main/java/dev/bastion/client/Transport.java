package dev.bastion.client;

import dev.bastion.api.grpc.StatusMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The SDK's one connection to a Bastion server: gRPC calls over the generated service methods, each
 * carrying the bearer token, and their failures as the server described them.
 */
final class Transport {

  /**
   * Largest message accepted from the server. A Run result carries up to the output cap of each of
   * stdout and stderr, which a caller may raise well past gRPC's default of 256 KiB.
   */
  private static final long MAX_MESSAGE_BYTES = 64L * 1024 * 1024;

  private final Vertx vertx;
  private final GrpcClient client;
  private final ServerUrl server;
  private final SocketAddress address;
  private final String authorization;
  private final Executor executor;

  Transport(Vertx vertx, ServerUrl server, String token, Executor executor) {
    this.authorization = bearer(token);
    this.vertx = vertx;
    this.server = server;
    this.address = SocketAddress.inetSocketAddress(server.port(), server.host());
    this.executor = executor;
    // HTTP/2 with prior knowledge, as the gateway speaks it: every call is a stream on one
    // connection.
    this.client =
        GrpcClient.client(
            vertx,
            new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES),
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
  }

  /**
   * The {@code authorization} header for {@code token}; refuses a token a header cannot carry (a
   * pasted line break, a space) before it reaches the wire.
   */
  static String bearer(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("a token is required: BastionOptions.token(...)");
    }
    if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new IllegalArgumentException(
          "the token contains a space, a line break or another character a header cannot carry");
    }
    return "Bearer " + token;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Where user code runs: callbacks, Flow signals, completions of asynchronous calls. */
  Executor executor() {
    return executor;
  }

  /** A call to {@code method} with its headers set, not sent yet. */
  <Req, Resp> Future<GrpcClientRequest<Req, Resp>> open(ServiceMethod<Resp, Req> method) {
    return client
        .request(address, method)
        .map(
            request -> {
              request.headers().set("authorization", authorization);
              return request;
            })
        .recover(
            failure ->
                Future.failedFuture(
                    new StatusFailure(
                        GrpcStatus.UNAVAILABLE,
                        "cannot reach Bastion at " + server.text() + ": " + failure.getMessage())));
  }

  /** A unary call: one request, one answer. */
  <Req, Resp> Future<Resp> unary(ServiceMethod<Resp, Req> method, Req message) {
    return upload(method, List.of(message));
  }

  /** A client-streaming call: the messages in order, then one answer. */
  <Req, Resp> Future<Resp> upload(ServiceMethod<Resp, Req> method, List<Req> messages) {
    return open(method)
        .compose(
            request -> {
              messages.subList(0, messages.size() - 1).forEach(request::write);
              return request.send(messages.get(messages.size() - 1));
            })
        .compose(
            response ->
                response
                    .last()
                    .recover(failure -> Future.failedFuture(failure(response, failure))));
  }

  /** A server-streaming call: hands each answer to {@code each}, on the event loop. */
  <Req, Resp> Future<Void> download(
      ServiceMethod<Resp, Req> method, Req message, Consumer<Resp> each) {
    return open(method)
        .compose(request -> request.send(message))
        .compose(
            response -> {
              response.handler(each::accept);
              return response
                  .end()
                  .recover(failure -> Future.failedFuture(failure(response, failure)));
            });
  }

  /**
   * Why {@code response} failed: the status the server ended it with and its message when there is
   * one, else what broke on the way.
   */
  static Throwable failure(GrpcClientResponse<?, ?> response, Throwable failure) {
    GrpcStatus status = response.status();
    if (status == null || status == GrpcStatus.OK) {
      return failure;
    }
    return new StatusFailure(status, StatusMessages.of(response));
  }

  /** Closes the connection; calls still open fail. */
  Future<Void> close() {
    return client.close();
  }
}
