package dev.bastion.sandboxd;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import io.vertx.core.Future;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.util.Optional;

/**
 * One Exec call: starts the process from the first message, then forwards stdin, EOF, signals and
 * terminal resizes, one at a time and in order. When the client goes away the process is killed,
 * unless it has a tag: then it keeps running detached and Connect can re-attach to it.
 *
 * <p>A resize of a process without a terminal is ignored; a resize to an invalid size ends the call
 * with INVALID_ARGUMENT, and the process goes as if the client had left.
 */
final class ExecSession {

  private final ProcessService processes;
  private final GrpcServerRequest<ExecRequest, ExecEvent> request;
  private final EventStream events;
  private ManagedProcess process;
  private boolean starting;
  private boolean inputEnded;
  private boolean cancelled;
  private boolean onTerminal;
  private String tag = "";

  ExecSession(ProcessService processes, GrpcServerRequest<ExecRequest, ExecEvent> request) {
    this.processes = processes;
    this.request = request;
    // The owner gates the output instead of being dropped when it lags.
    this.events = processes.eventStream(request.response(), Long.MAX_VALUE);
  }

  void start() {
    request.handler(this::onMessage);
    request.endHandler(
        v -> {
          // A half-closed request means no more stdin.
          inputEnded = true;
          if (process != null) {
            process.closeStdin();
          }
        });
    GrpcErrors.whenClientGone(request, this::onCancel);
  }

  private void onMessage(ExecRequest message) {
    if (!starting) {
      starting = true;
      launch(message);
      return;
    }
    if (process == null || cancelled) {
      return;
    }
    switch (message.getRequestCase()) {
      // One write at a time: the client's stream waits while the pipe or terminal is full.
      case STDIN -> inOrder(process.writeStdin(message.getStdin()));
      case EOF -> {
        if (message.getEof()) {
          inOrder(process.closeStdin());
        }
      }
      case SIGNAL -> inOrder(process.signal(message.getSignal()));
      case RESIZE -> {
        if (onTerminal) {
          resize(message);
        }
      }
      default -> {
        // A repeated start is ignored.
      }
    }
  }

  /** Holds further messages until {@code step} is done, so the process sees them in order. */
  private void inOrder(Future<Void> step) {
    request.pause();
    step.onComplete(done -> request.resume());
  }

  private void resize(ExecRequest message) {
    TerminalSize size;
    try {
      size = TerminalSize.of(message.getResize());
    } catch (StatusException e) {
      onCancel();
      GrpcErrors.fail(request.response(), e);
      return;
    }
    inOrder(process.resize(size));
  }

  private void launch(ExecRequest message) {
    if (!message.hasStart()) {
      fail(GrpcErrors.invalid("first message must be start"));
      return;
    }
    ExecStart start = message.getStart();
    LaunchSpec spec;
    try {
      Optional<TerminalSize> terminal =
          start.hasPty() ? Optional.of(TerminalSize.of(start.getPty())) : Optional.empty();
      spec =
          processes.spec(
              start.getArgvList(),
              start.getEnvMap(),
              start.getCwd(),
              start.getTimeoutSeconds(),
              terminal);
    } catch (StatusException e) {
      fail(e);
      return;
    }
    tag = start.getTag();
    onTerminal = start.hasPty();
    request.pause();
    processes
        .launch(spec, tag, OutputCap.combined(start.getMaxOutputBytes()), events, start.getStdin())
        .onSuccess(
            started -> {
              process = started;
              if (cancelled) {
                onCancel();
                return;
              }
              if (inputEnded) {
                process.closeStdin();
              }
              request.resume();
            })
        .onFailure(this::fail);
  }

  /** Ends the call before a process ran; its event stream has nothing more to say. */
  private void fail(Throwable failure) {
    events.close();
    GrpcErrors.fail(request.response(), failure);
  }

  private void onCancel() {
    cancelled = true;
    events.close();
    if (process == null) {
      return;
    }
    process.detach(events);
    if (tag.isEmpty()) {
      process.kill();
    }
  }
}
