package dev.bastion.gateway.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * gRPC spoken by hand over an HTTP/2 (h2c) stream of Vert.x's HTTP client, for what no gRPC library
 * sends: length prefixes that lie, a compressed flag without an encoding, a body that ends in the
 * middle of a frame.
 */
final class RawGrpc implements AutoCloseable {

  /**
   * What the gateway answered.
   *
   * @param grpcStatus the grpc-status code (from the headers of a trailers-only answer or the
   *     trailers), -1 when there was none
   * @param grpcMessage the decoded grpc-message, or null
   * @param wireMessage the grpc-message as it travelled, before decoding, or null
   * @param resetCode the HTTP/2 error code when the gateway reset the stream instead, else -1
   * @param httpStatus the HTTP status, 0 when the stream was reset first
   * @param bodyBytes bytes of response body (gRPC frames)
   */
  record Answer(
      int grpcStatus,
      String grpcMessage,
      String wireMessage,
      long resetCode,
      int httpStatus,
      int bodyBytes) {}

  private static final HttpClientOptions H2C =
      new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false)
          .setHttp2MultiplexingLimit(-1);

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final int port;

  RawGrpc(int port) {
    this.port = port;
    this.client = vertx.createHttpClient(H2C);
  }

  /** One gRPC frame: the compressed flag, a length prefix (true or not) and the payload. */
  static Buffer frame(int flag, long length, byte[] payload) {
    return Buffer.buffer().appendByte((byte) flag).appendUnsignedInt(length).appendBytes(payload);
  }

  /** A well-formed uncompressed frame. */
  static Buffer frame(byte[] payload) {
    return frame(0, payload.length, payload);
  }

  /**
   * POSTs {@code body} to {@code /method} with gRPC's headers plus {@code headers}, ends the stream
   * and waits up to {@code patience} for the answer.
   *
   * @throws AssertionError when the gateway neither answers nor resets the stream in time
   */
  Answer call(String method, Map<String, String> headers, Buffer body, Duration patience)
      throws InterruptedException {
    return call(method, "application/grpc", headers, body, patience);
  }

  Answer call(
      String method,
      String contentType,
      Map<String, String> headers,
      Buffer body,
      Duration patience)
      throws InterruptedException {
    return exchange(method, contentType, headers, request -> request.end(body), patience);
  }

  /**
   * Opens a call to {@code /method} and sends only its headers, never a message nor the end of the
   * stream, then waits up to {@code patience} for the answer: what a gateway can decide from the
   * headers alone.
   */
  Answer headersOnly(String method, Map<String, String> headers, Duration patience)
      throws InterruptedException {
    return exchange(method, "application/grpc", headers, HttpClientRequest::sendHead, patience);
  }

  private Answer exchange(
      String method,
      String contentType,
      Map<String, String> headers,
      Function<HttpClientRequest, Future<Void>> send,
      Duration patience)
      throws InterruptedException {
    HttpClientRequest[] sent = new HttpClientRequest[1];
    // A connection of its own: each case attacks one connection, as a client would its own, and
    // must not inherit a state an earlier case left on a shared one.
    HttpClient connection = vertx.createHttpClient(H2C);
    Future<Answer> answer =
        connection
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI("/" + method))
            .compose(
                request -> {
                  sent[0] = request;
                  request.putHeader("content-type", contentType).putHeader("te", "trailers");
                  headers.forEach(request::putHeader);
                  send.apply(request);
                  return request.response();
                })
            .compose(response -> response.body().map(b -> answerOf(response, b.length())))
            .recover(
                failure ->
                    failure instanceof StreamResetException reset
                        ? Future.succeededFuture(new Answer(-1, null, null, reset.getCode(), 0, 0))
                        : Future.failedFuture(failure))
            .andThen(done -> connection.close());
    try {
      return answer
          .toCompletionStage()
          .toCompletableFuture()
          .get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (sent[0] != null) {
        sent[0].reset();
      }
      throw new AssertionError(
          "no answer to " + method + " within " + patience.toSeconds() + " s: the call hangs");
    } catch (ExecutionException e) {
      throw new AssertionError("the call to " + method + " failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Opens {@code streams} calls to {@code /method} and resets each one right after its headers, the
   * "rapid reset" pattern; waits until all of them are sent (or refused).
   */
  void resetFlood(String method, int streams) throws Exception {
    List<Future<Void>> resets = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      resets.add(
          client
              .request(
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/" + method))
              .compose(
                  request -> {
                    request.putHeader("content-type", "application/grpc");
                    return request.sendHead().compose(sent -> request.reset());
                  }));
    }
    // The gateway may refuse streams or close the connection on the way: that is its right.
    Future.join(resets)
        .otherwiseEmpty()
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  private static Answer answerOf(HttpClientResponse response, int bodyBytes) {
    // A trailers-only answer carries the status in its headers.
    String status = response.headers().get("grpc-status");
    String message = response.headers().get("grpc-message");
    if (status == null) {
      status = response.trailers().get("grpc-status");
      message = response.trailers().get("grpc-message");
    }
    return new Answer(
        status == null ? -1 : Integer.parseInt(status),
        message == null
            ? null
            : URLDecoder.decode(message.replace("+", "%2B"), StandardCharsets.UTF_8),
        message,
        -1,
        response.statusCode(),
        bodyBytes);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
