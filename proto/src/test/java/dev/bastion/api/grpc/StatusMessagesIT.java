package dev.bastion.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ReadFileRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over a real loopback socket: an error a server sends after a message travels in the trailers, and
 * its message must still reach whoever relays it (Vert.x 5.0's own accessor reads headers).
 */
class StatusMessagesIT {

  private final Vertx vertx = Vertx.vertx();
  private String message = "gone midway é";

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anErrorAfterAMessageKeepsItsMessage() throws Exception {
    assertThat(call(true)).isEqualTo("NOT_FOUND: gone midway é");
  }

  @Test
  void anErrorBeforeAnyMessageKeepsItsMessage() throws Exception {
    assertThat(call(false)).isEqualTo("NOT_FOUND: gone midway é");
  }

  @Test
  void theWireCarriesOnlyTheEscapesTheSpecAsksFor() throws Exception {
    message = "path /etc/passwd is outside /workspace: 100% é";
    String expected = "path /etc/passwd is outside /workspace: 100%25 %C3%A9";
    assertThat(rawGrpcMessage(false)).isEqualTo(expected);
    assertThat(rawGrpcMessage(true)).isEqualTo(expected);
    assertThat(call(true)).isEqualTo("NOT_FOUND: " + message);
  }

  /**
   * The grpc-message header or trailer as it travels, read by a plain HTTP/2 client: what a
   * non-Java client (grpc-js decodes with decodeURI) gets to decode.
   */
  private String rawGrpcMessage(boolean chunkFirst) throws Exception {
    HttpServer server = serve(chunkFirst);
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    byte[] body = ReadFileRequest.newBuilder().setPath("a").build().toByteArray();
    Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(body.length).appendBytes(body);
    try {
      return http.request(
              new RequestOptions()
                  .setMethod(HttpMethod.POST)
                  .setPort(server.actualPort())
                  .setHost("127.0.0.1")
                  .setURI("/bastion.v1.Files/Read")
                  .putHeader("content-type", "application/grpc")
                  .putHeader("te", "trailers"))
          .compose(request -> request.send(frame))
          .compose(
              response ->
                  response
                      .body()
                      .map(
                          ignored ->
                              chunkFirst
                                  ? response.trailers().get("grpc-message")
                                  : response.headers().get("grpc-message")))
          .await(10, TimeUnit.SECONDS);
    } finally {
      http.close();
      server.close();
    }
  }

  /** What a client sees of a Read that the server ends with NOT_FOUND, after a chunk or not. */
  private String call(boolean chunkFirst) throws Exception {
    HttpServer server = serve(chunkFirst);
    GrpcClient client =
        GrpcClient.client(
            vertx,
            new GrpcClientOptions(),
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    try {
      return client
          .request(
              SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1"),
              FilesGrpcClient.Read)
          .compose(
              request -> {
                request.end(ReadFileRequest.newBuilder().setPath("a").build());
                return request.response();
              })
          .compose(
              response ->
                  response
                      .end()
                      .transform(
                          ended ->
                              io.vertx.core.Future.succeededFuture(
                                  response.status().name() + ": " + StatusMessages.of(response))))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
      server.close();
    }
  }

  /** A Files.Read server that ends every call with NOT_FOUND and {@link #message}. */
  private HttpServer serve(boolean chunkFirst) throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(
        FilesGrpcService.Read,
        request ->
            request.handler(
                ignored -> {
                  if (chunkFirst) {
                    request
                        .response()
                        .write(
                            FileChunk.newBuilder().setData(ByteString.copyFromUtf8("x")).build());
                  }
                  StatusMessages.end(request.response(), GrpcStatus.NOT_FOUND, message);
                }));
    return vertx
        .createHttpServer()
        .requestHandler(grpc)
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }
}
