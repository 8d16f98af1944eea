package dev.bastion.gateway.terminal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.PtySize;
import dev.bastion.gateway.access.SandboxCall;
import dev.bastion.gateway.status.CallStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One open terminal: a WebSocket bridged to an Exec on a pseudo-terminal in the sandbox. Binary
 * frames are the terminal's input, text frames are JSON control (resize); the terminal's output
 * goes back in binary frames, and its exit as {@code {"type":"exit","code":N}} before a 1000 close.
 *
 * <p>Flow control holds both ways: a client that reads slowly pauses the stream from sandboxd, and
 * a sandbox slow to take input pauses the WebSocket, so nothing is buffered without bound. Pings
 * find clients that went away without a close; an idle terminal is closed. Closing the WebSocket
 * cancels the Exec, which kills the shell. All of it runs on the WebSocket's event loop.
 */
final class TerminalSession {

  private static final short NORMAL = 1000;
  private static final short GOING_AWAY = 1001;
  private static final short POLICY_VIOLATION = 1008;
  private static final short INTERNAL_ERROR = 1011;

  /** A close frame's reason is at most this many bytes of UTF-8. */
  private static final int MAX_REASON_BYTES = 123;

  private final ServerWebSocket socket;
  private final SandboxCall<ExecRequest, ExecEvent> exec;
  private final TerminalSettings settings;
  private Vertx vertx;
  private GrpcClientRequest<ExecRequest, ExecEvent> outbound;
  private boolean inBinaryMessage;

  /** Whether the stream to sandboxd is over or ending: nothing more is sent on it. */
  private boolean outboundOver;

  private boolean finished;
  private boolean awaitingPong;
  private long lastActivityNanos;
  private long pingTimer = -1;
  private long idleTimer = -1;

  TerminalSession(
      ServerWebSocket socket, SandboxCall<ExecRequest, ExecEvent> exec, TerminalSettings settings) {
    this.socket = socket;
    this.exec = exec;
    this.settings = settings;
  }

  void start() {
    vertx = Vertx.currentContext().owner();
    // Input waits until the stream to sandboxd is open.
    socket.pause();
    socket.frameHandler(this::onFrame);
    socket.pongHandler(ignored -> awaitingPong = false);
    socket.closeHandler(ignored -> finish());
    socket.exceptionHandler(ignored -> finish());
    lastActivityNanos = System.nanoTime();
    pingTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), id -> ping());
    scheduleIdleCheck(settings.idleTimeout().toMillis());
    exec.connect()
        .onComplete(
            connected -> {
              if (connected.succeeded()) {
                onConnected(connected.result());
              } else {
                onSandboxLost();
              }
            });
  }

  private void onConnected(GrpcClientRequest<ExecRequest, ExecEvent> request) {
    if (finished) {
      request.cancel();
      return;
    }
    outbound = request;
    exec.follow(outbound, this::relay, this::onSandboxLost);
    outbound.write(exec.first());
    socket.resume();
  }

  private void relay(GrpcClientResponse<ExecRequest, ExecEvent> response) {
    response.handler(event -> onEvent(response, event));
    response.exceptionHandler(ignored -> onSandboxLost());
    response.endHandler(
        ignored -> {
          outboundOver = true;
          close(
              INTERNAL_ERROR,
              response.status() == GrpcStatus.OK
                  ? "the shell ended without an exit status"
                  : StatusMessages.of(response));
        });
  }

  private void onEvent(GrpcClientResponse<ExecRequest, ExecEvent> response, ExecEvent event) {
    if (finished) {
      return;
    }
    exec.onResponse(event);
    switch (event.getEventCase()) {
      case PTY -> output(response, event.getPty());
      case STDOUT -> output(response, event.getStdout());
      case STDERR -> output(response, event.getStderr());
      case EXITED -> exited(event.getExited().getExitCode(), NORMAL, "exited");
      default -> {
        // started, keepalive: nothing for the terminal, and keepalives are not activity.
      }
    }
  }

  private void output(GrpcClientResponse<ExecRequest, ExecEvent> response, ByteString bytes) {
    if (bytes.isEmpty()) {
      return;
    }
    lastActivityNanos = System.nanoTime();
    socket.writeBinaryMessage(Buffer.buffer(bytes.toByteArray()));
    if (socket.writeQueueFull()) {
      response.pause();
      socket.drainHandler(ignored -> response.resume());
    }
  }

  private void exited(int code, short closeCode, String reason) {
    socket.writeTextMessage(ControlMessage.exit(code));
    if (outbound != null && !outboundOver) {
      outboundOver = true;
      outbound.end();
    }
    close(closeCode, reason);
  }

  private void onFrame(WebSocketFrame frame) {
    if (finished) {
      return;
    }
    switch (frame.type()) {
      case BINARY -> {
        inBinaryMessage = !frame.isFinal();
        input(frame.binaryData());
      }
      case CONTINUATION -> {
        if (inBinaryMessage) {
          inBinaryMessage = !frame.isFinal();
          input(frame.binaryData());
        } else {
          close(POLICY_VIOLATION, "control messages must fit in one frame");
        }
      }
      case TEXT -> {
        if (frame.isFinal()) {
          control(frame.textData());
        } else {
          close(POLICY_VIOLATION, "control messages must fit in one frame");
        }
      }
      default -> {
        // Ping, pong and close frames are handled by the WebSocket itself.
      }
    }
  }

  private void input(Buffer data) {
    if (data.length() == 0) {
      return;
    }
    lastActivityNanos = System.nanoTime();
    // getBytes() copies, so the message may own the array.
    send(
        ExecRequest.newBuilder()
            .setStdin(UnsafeByteOperations.unsafeWrap(data.getBytes()))
            .build());
  }

  private void control(String text) {
    ControlMessage.Resize resize;
    try {
      resize = ControlMessage.parseResize(text);
    } catch (IllegalArgumentException e) {
      close(POLICY_VIOLATION, e.getMessage());
      return;
    }
    send(
        ExecRequest.newBuilder()
            .setResize(PtySize.newBuilder().setCols(resize.cols()).setRows(resize.rows()))
            .build());
  }

  private void send(ExecRequest message) {
    if (outboundOver) {
      return;
    }
    exec.onRequest(message);
    outbound.write(message);
    if (outbound.writeQueueFull()) {
      socket.pause();
      outbound.drainHandler(ignored -> socket.resume());
    }
  }

  /** A client that did not answer the last ping by now is gone. */
  private void ping() {
    if (awaitingPong) {
      close(GOING_AWAY, "no answer to pings");
      return;
    }
    awaitingPong = true;
    socket.writePing(Buffer.buffer());
  }

  private void scheduleIdleCheck(long delayMillis) {
    idleTimer = vertx.setTimer(Math.max(1, delayMillis), id -> checkIdle());
  }

  private void checkIdle() {
    long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
    long left = settings.idleTimeout().toMillis() - idleMillis;
    if (left <= 0) {
      close(GOING_AWAY, "idle");
    } else {
      scheduleIdleCheck(left);
    }
  }

  /**
   * The stream to sandboxd broke: the client hears why, with the shell's exit when the sandbox ran
   * out of memory.
   */
  private void onSandboxLost() {
    if (finished) {
      return;
    }
    outboundOver = true;
    exec.lastWords()
        .onComplete(
            verdict -> {
              if (finished) {
                return;
              }
              if (verdict.succeeded()) {
                exited(
                    verdict.result().getExited().getExitCode(),
                    INTERNAL_ERROR,
                    "the sandbox ran out of memory");
              } else {
                close(INTERNAL_ERROR, CallStatus.of(verdict.cause()).message());
              }
            });
  }

  private void close(short code, String reason) {
    if (finished) {
      return;
    }
    finish();
    socket.close(code, bounded(reason));
  }

  /** Releases everything the terminal holds; the shell is killed unless it already exited. */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(idleTimer);
    exec.close();
    if (outbound != null && !outboundOver) {
      outbound.cancel();
    }
  }

  /** {@code reason} cut to what a close frame carries, on a character boundary. */
  static String bounded(String reason) {
    if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
      return reason;
    }
    StringBuilder cut = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < reason.length(); ) {
      int codePoint = reason.codePointAt(i);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_REASON_BYTES - 3) {
        break;
      }
      cut.appendCodePoint(codePoint);
      bytes += size;
      i += Character.charCount(codePoint);
    }
    return cut.append('\u2026').toString();
  }
}
