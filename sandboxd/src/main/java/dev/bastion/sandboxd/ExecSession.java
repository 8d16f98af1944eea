package dev.bastion.sandboxd;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;

/**
 * One Exec call: starts the process from the first message, then forwards stdin, EOF and signals.
 * When the client goes away the process is killed, unless it has a tag: then it keeps running
 * detached and Connect can re-attach to it.
 */
final class ExecSession {

  private final ProcessService processes;
  private final GrpcServerRequest<ExecRequest, ExecEvent> request;
  private final EventStream events;
  private ManagedProcess process;
  private boolean starting;
  private boolean inputEnded;
  private boolean cancelled;
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
    if (process == null) {
      return;
    }
    switch (message.getRequestCase()) {
      case STDIN -> {
        // One write at a time: the client's stream waits while the pipe is full.
        request.pause();
        process.writeStdin(message.getStdin()).onComplete(done -> request.resume());
      }
      case EOF -> {
        if (message.getEof()) {
          process.closeStdin();
        }
      }
      case SIGNAL -> process.signal(message.getSignal());
      default -> {
        // resize needs a pty, which is not supported yet; a repeated start is ignored.
      }
    }
  }

  private void launch(ExecRequest message) {
    if (!message.hasStart()) {
      fail(GrpcErrors.invalid("first message must be start"));
      return;
    }
    ExecStart start = message.getStart();
    LaunchSpec spec;
    try {
      if (start.hasPty()) {
        throw GrpcErrors.invalid("pty is not supported yet");
      }
      spec =
          processes.spec(
              start.getArgvList(), start.getEnvMap(), start.getCwd(), start.getTimeoutSeconds());
    } catch (StatusException e) {
      fail(e);
      return;
    }
    tag = start.getTag();
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
