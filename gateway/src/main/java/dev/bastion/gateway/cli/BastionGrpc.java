package dev.bastion.gateway.cli;

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
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The gRPC side of a Bastion server for the commands that act inside sandboxes (create, exec, cp):
 * one HTTP/2 connection to the server of {@code --server}, every call carrying the token. Calls
 * block the command's thread until they end; a status other than OK is a {@link CliException}
 * naming it and the server's message.
 */
final class BastionGrpc implements ServerCommand.Client {

  /** How long one call may take before the command gives up on the server. */
  private static final long PATIENCE_SECONDS = TimeUnit.MINUTES.toSeconds(10);

  private final Vertx vertx = Vertx.vertx();
  private final GrpcClient client;
  private final SocketAddress address;
  private final String token;

  private BastionGrpc(URI server, String token) {
    boolean tls = "https".equals(server.getScheme());
    int port = server.getPort() > 0 ? server.getPort() : tls ? 443 : 80;
    this.address = SocketAddress.inetSocketAddress(port, server.getHost());
    this.token = token;
    this.client =
        GrpcClient.client(
            vertx,
            new GrpcClientOptions(),
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setSsl(tls)
                .setUseAlpn(tls));
  }

  /** A client for the server at {@code server}, already checked by {@link ServerAddress}. */
  static BastionGrpc of(ServerAddress server) {
    return new BastionGrpc(server.uri(), server.token());
  }

  /** A call with one request and one answer. */
  <Req, Resp> Resp call(ServiceMethod<Resp, Req> method, Req request) throws CliException {
    return await(
        open(method)
            .compose(outbound -> outbound.send(request))
            .compose(response -> response.last().recover(failed -> failure(response))));
  }

  /**
   * A streaming call: {@code conversation} gets the opened request and returns what the call
   * completes with, once the server has ended it.
   */
  <Req, Resp, T> T stream(
      ServiceMethod<Resp, Req> method,
      Function<GrpcClientRequest<Req, Resp>, Future<T>> conversation)
      throws CliException {
    return await(open(method).compose(conversation::apply));
  }

  /** The failure that {@code response}'s status, ended and not OK, stands for. */
  static <T> Future<T> failure(GrpcClientResponse<?, ?> response) {
    String message = StatusMessages.of(response);
    GrpcStatus status = response.status() == null ? GrpcStatus.UNKNOWN : response.status();
    return Future.failedFuture(
        new CliFailure(status.name() + (message.isEmpty() ? "" : ": " + message)));
  }

  private <Req, Resp> Future<GrpcClientRequest<Req, Resp>> open(ServiceMethod<Resp, Req> method) {
    return client
        .request(address, method)
        .map(
            request -> {
              request.headers().set("authorization", "Bearer " + token);
              return request;
            });
  }

  private static <T> T await(Future<T> future) throws CliException {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CliFailure failure) {
        throw new CliException(failure.getMessage());
      }
      throw new CliException("the call to the server failed: " + cause.getMessage());
    } catch (TimeoutException e) {
      throw new CliException("the server did not answer within " + PATIENCE_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  @Override
  public void close() {
    vertx.close();
  }

  /** A status the server ended a call with, carried through a future to {@link #await}. */
  static final class CliFailure extends RuntimeException {
    CliFailure(String message) {
      super(message, null, false, false);
    }
  }
}
