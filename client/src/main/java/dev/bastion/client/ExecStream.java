package dev.bastion.client;

import dev.bastion.api.v1.ExecRequest;
import dev.bastion.api.v1.ExecStart;
import dev.bastion.api.v1.ProcessesGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One Exec call. It lives on one Vert.x context: the stream is opened there, the server's events
 * arrive there, and what callers send from their own threads is handed over to it. The events go to
 * a {@link BufferedPublisher}, whose signals run on {@link #signals()}.
 */
final class ExecStream {

  private final Context context;
  private final Executor signals;
  private final BufferedPublisher<ExecEvent> events;
  private final Promise<Integer> started = Promise.promise();
  private final Promise<ExecEvent.Exited> exited = Promise.promise();
  // Touched on the context only. `ended`: the call is over, by its end, a failure or a cancel.
  private GrpcClientRequest<ExecRequest, dev.bastion.api.v1.ExecEvent> request;
  private GrpcClientResponse<ExecRequest, dev.bastion.api.v1.ExecEvent> response;
  private boolean ended;

  /** Starts {@code start} in its sandbox. */
  ExecStream(Transport transport, ExecStart start) {
    this.context = transport.vertx().getOrCreateContext();
    this.signals = new SerialExecutor(transport.executor());
    this.events =
        new BufferedPublisher<>(
            signals,
            () -> onResponse(GrpcClientResponse::pause),
            () -> onResponse(GrpcClientResponse::resume));
    context.runOnContext(ignored -> open(transport, start));
  }

  /** Completes with the pid once the process runs, or fails if it could not be started. */
  Future<Integer> started() {
    return started.future();
  }

  /** Completes when the process ended (on the context, before its events are delivered). */
  Future<ExecEvent.Exited> exited() {
    return exited.future();
  }

  BufferedPublisher<ExecEvent> events() {
    return events;
  }

  /** The serial executor the events are signalled on. */
  Executor signals() {
    return signals;
  }

  /** Sends {@code message} (stdin, eof, a signal) to the running process. */
  Future<Void> send(ExecRequest message) {
    Promise<Void> sent = Promise.promise();
    context.runOnContext(
        ignored -> {
          if (ended || exited.future().isComplete()) {
            sent.fail(
                new StatusFailure(
                    GrpcStatus.FAILED_PRECONDITION,
                    "the process has ended: it takes no more input"));
          } else {
            request.write(message).onComplete(sent);
          }
        });
    return sent.future();
  }

  /**
   * Ends the call; the server kills the process unless it is tagged. Only for a started process,
   * whose request is open.
   */
  void cancel() {
    context.runOnContext(
        ignored -> {
          if (ended) {
            return;
          }
          request.cancel();
          // A stream reset from this side never reaches the response's handlers: end it here.
          fail(new StatusFailure(GrpcStatus.CANCELLED, "the exec was closed before it ended"));
        });
  }

  private void open(Transport transport, ExecStart start) {
    transport
        .open(ProcessesGrpcClient.Exec)
        .onFailure(this::fail)
        .onSuccess(
            opened -> {
              request = opened;
              opened.write(ExecRequest.newBuilder().setStart(start).build());
              opened.response().onFailure(this::fail).onSuccess(this::receive);
            });
  }

  private void receive(GrpcClientResponse<ExecRequest, dev.bastion.api.v1.ExecEvent> answer) {
    response = answer;
    answer.handler(this::onEvent);
    answer
        .end()
        .onComplete(
            (done, failure) -> {
              if (failure != null) {
                fail(Transport.failure(answer, failure));
              } else if (!started.future().isComplete() || !exited.future().isComplete()) {
                fail(
                    new StatusFailure(
                        GrpcStatus.INTERNAL,
                        "the exec stream ended without the process's start and exit"));
              } else {
                ended = true;
                events.complete();
              }
            });
  }

  private void onEvent(dev.bastion.api.v1.ExecEvent message) {
    ExecEvent event = Protos.event(message);
    if (event == null) {
      return;
    }
    // Offered first: the exit's stage completes through `signals` too, so after the events.
    events.offer(event);
    if (event instanceof ExecEvent.Started(int pid)) {
      started.tryComplete(pid);
    } else if (event instanceof ExecEvent.Exited exit) {
      exited.tryComplete(exit);
    }
  }

  /** Ends the stream with {@code failure}, unless it ended already (e.g. closed by the caller). */
  private void fail(Throwable failure) {
    if (ended) {
      return;
    }
    ended = true;
    BastionException error = Failures.of(failure);
    started.tryFail(error);
    exited.tryFail(error);
    events.fail(error);
  }

  private void onResponse(Consumer<GrpcClientResponse<?, ?>> action) {
    context.runOnContext(
        ignored -> {
          if (response != null) {
            action.accept(response);
          }
        });
  }
}
