package dev.bastion.loadtest;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.PtySize;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * A terminal as a benchmark drives it: keystrokes in, terminal bytes out, either through the
 * gateway's WebSocket route (as a browser) or straight to a sandbox's sandboxd on a pty (the
 * baseline). Output and the end are told to listeners, on a Vert.x event loop.
 */
interface TerminalLink {

  /** The shell a terminal runs, as the gateway starts it: bash when there is one. */
  List<String> SHELL =
      List.of("/bin/sh", "-c", "if command -v bash >/dev/null; then exec bash -l; fi; exec sh -l");

  void type(String keys);

  void close();

  /**
   * A terminal through the gateway's WebSocket route, authenticated with the subprotocol a browser
   * would use.
   *
   * @param ended told once when the terminal closes, with the close reason
   */
  static Future<TerminalLink> viaGateway(
      WebSocketClient client,
      int port,
      String token,
      String sandboxId,
      Consumer<Buffer> output,
      Consumer<String> ended) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/v1/sandboxes/" + sandboxId + "/terminal?cols=80&rows=24")
            .addSubProtocol("bearer." + token);
    return client
        .connect(options)
        .map(
            socket -> {
              socket.binaryMessageHandler(output::accept);
              socket.closeHandler(
                  ignored -> ended.accept(socket.closeStatusCode() + " " + socket.closeReason()));
              return new Gateway(socket);
            });
  }

  /** A terminal on sandboxd itself: one Exec with a pty on its Unix socket, with its token. */
  static Future<TerminalLink> direct(
      GrpcClient client,
      Endpoint sandboxd,
      String sandboxId,
      Consumer<Buffer> output,
      Consumer<String> ended) {
    ExecRequest start =
        ExecRequest.newBuilder()
            .setStart(
                ExecStart.newBuilder()
                    .setSandboxId(sandboxId)
                    .addAllArgv(SHELL)
                    .setPty(PtySize.newBuilder().setCols(80).setRows(24))
                    .setStdin(true)
                    .putEnv("TERM", "xterm-256color"))
            .build();
    return client
        .request(sandboxd.address(), ProcessesGrpcClient.Exec)
        .compose(
            request -> {
              request.headers().set("authorization", "Bearer " + sandboxd.token());
              request.write(start);
              return request
                  .response()
                  .map(
                      response -> {
                        response.handler(
                            (ExecEvent event) -> {
                              if (event.hasPty()) {
                                output.accept(Buffer.buffer(event.getPty().toByteArray()));
                              }
                            });
                        response.endHandler(ignored -> ended.accept("exec ended"));
                        response.exceptionHandler(failure -> ended.accept(failure.toString()));
                        return (TerminalLink) new Direct(request);
                      });
            });
  }

  /** The gateway's side: keystrokes as binary frames. */
  record Gateway(WebSocket socket) implements TerminalLink {
    @Override
    public void type(String keys) {
      socket.writeBinaryMessage(Buffer.buffer(keys));
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** sandboxd's side: keystrokes as stdin messages. */
  record Direct(GrpcClientRequest<ExecRequest, ExecEvent> request) implements TerminalLink {
    @Override
    public void type(String keys) {
      request.write(
          ExecRequest.newBuilder()
              .setStdin(com.google.protobuf.ByteString.copyFromUtf8(keys))
              .build());
    }

    @Override
    public void close() {
      request.cancel();
    }
  }

  /** A Vert.x for the benchmark's clients, with the native transport for Unix sockets. */
  static Vertx vertx() {
    Vertx vertx =
        Vertx.builder()
            .with(new io.vertx.core.VertxOptions().setPreferNativeTransport(true))
            .build();
    if (!vertx.isNativeTransportEnabled()) {
      vertx.close();
      throw new IllegalStateException("Netty's native epoll transport did not load");
    }
    return vertx;
  }
}
