package dev.bastion.gateway.cli;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.PtySize;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import sun.misc.Signal;

/**
 * One process in a sandbox, joined to this terminal as {@code docker exec} joins one: its output
 * streamed to stdout and stderr as it comes, stdin forwarded when asked, Ctrl-C and SIGTERM passed
 * on to the process (a second Ctrl-C ends the call, and with it the process), and on a
 * pseudo-terminal the local window's size followed. Ends with the process's exit code, as a shell
 * reports it: the code, 128 + the signal that killed it, or 124 when the sandbox's timeout did.
 */
final class ExecSession {

  private static final int STDIN_CHUNK = 16 * 1024;

  private final ExecStart start;
  private final InputStream stdin;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final Supplier<Optional<PtySize>> windowSize;

  /**
   * @param start what to run; its {@code stdin} and {@code pty} say whether stdin is forwarded and
   *     whether it runs on a pseudo-terminal
   * @param windowSize the local terminal's size now, read again on each SIGWINCH
   */
  ExecSession(
      ExecStart start,
      InputStream stdin,
      OutputStream stdout,
      OutputStream stderr,
      Supplier<Optional<PtySize>> windowSize) {
    this.start = start;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.windowSize = windowSize;
  }

  int run(BastionGrpc grpc) throws CliException {
    return grpc.stream(ProcessesGrpcClient.Exec, this::converse);
  }

  private Future<Integer> converse(GrpcClientRequest<ExecRequest, ExecEvent> request) {
    Promise<Integer> exit = Promise.promise();
    request.write(ExecRequest.newBuilder().setStart(start).build());
    AtomicInteger interrupts = new AtomicInteger();
    Signal.handle(
        new Signal("INT"),
        received -> {
          if (interrupts.incrementAndGet() == 1) {
            request.write(ExecRequest.newBuilder().setSignal(2).build());
          } else {
            // A process that ignores SIGINT must not hold the terminal: ending the call ends it.
            request.cancel();
            exit.tryFail(
                new BastionGrpc.CliFailure("interrupted twice: the call and its process ended"));
          }
        });
    Signal.handle(
        new Signal("TERM"),
        received -> request.write(ExecRequest.newBuilder().setSignal(15).build()));
    if (start.hasPty()) {
      Signal.handle(
          new Signal("WINCH"),
          changed ->
              windowSize
                  .get()
                  .ifPresent(
                      size -> request.write(ExecRequest.newBuilder().setResize(size).build())));
    }
    request
        .response()
        .onFailure(exit::tryFail)
        .onSuccess(
            response -> {
              response.handler(event -> onEvent(event, exit));
              response.exceptionHandler(exit::tryFail);
              response.endHandler(
                  ended -> {
                    if (response.status() != GrpcStatus.OK) {
                      BastionGrpc.<Integer>failure(response).onFailure(exit::tryFail);
                    } else {
                      exit.tryFail(new BastionGrpc.CliFailure("the process ended without an exit"));
                    }
                  });
            });
    if (start.getStdin()) {
      Thread pump = new Thread(() -> pumpStdin(request), "bastion-exec-stdin");
      pump.setDaemon(true); // an exited process must not wait for a last keystroke
      pump.start();
    }
    return exit.future();
  }

  private void onEvent(ExecEvent event, Promise<Integer> exit) {
    try {
      switch (event.getEventCase()) {
        case STDOUT -> write(stdout, event.getStdout());
        case PTY -> write(stdout, event.getPty());
        case STDERR -> write(stderr, event.getStderr());
        case EXITED -> exit.tryComplete(exitCode(event.getExited()));
        default -> {}
      }
    } catch (UncheckedIOException e) {
      exit.tryFail(new BastionGrpc.CliFailure("cannot write the output: " + e.getCause()));
    }
  }

  static int exitCode(Exited exited) {
    if (exited.getTimedOut()) {
      return 124;
    }
    return exited.getSignal() != 0 ? 128 + exited.getSignal() : exited.getExitCode();
  }

  private static void write(OutputStream out, ByteString bytes) {
    try {
      bytes.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends what stdin gives, then its end; waits for room when the stream is full. */
  private void pumpStdin(GrpcClientRequest<ExecRequest, ExecEvent> request) {
    byte[] buffer = new byte[STDIN_CHUNK];
    try {
      for (int read; (read = stdin.read(buffer)) >= 0; ) {
        if (read > 0) {
          request.write(
              ExecRequest.newBuilder().setStdin(ByteString.copyFrom(buffer, 0, read)).build());
          awaitRoom(request);
        }
      }
      request.write(ExecRequest.newBuilder().setEof(true).build());
    } catch (IOException | InterruptedException e) {
      // stdin went away (or the command is ending): the process sees no more of it.
    }
  }

  private static void awaitRoom(GrpcClientRequest<ExecRequest, ExecEvent> request)
      throws InterruptedException {
    if (request.writeQueueFull()) {
      CountDownLatch drained = new CountDownLatch(1);
      request.drainHandler(ignored -> drained.countDown());
      if (request.writeQueueFull()) {
        drained.await();
      }
    }
  }
}
