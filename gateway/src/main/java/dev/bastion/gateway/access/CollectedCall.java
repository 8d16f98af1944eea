package dev.bastion.gateway.access;

import com.google.protobuf.MessageLite;
import dev.bastion.gateway.auth.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.List;

/**
 * A call to sandboxd that the gateway makes itself, with request messages it holds and answers it
 * collects: the counterpart of the gRPC front end's forwarded call for callers that are not gRPC
 * streams (MCP tools). It is admitted, held to its limits and explained when the sandbox is lost
 * exactly as a forwarded call is. Answers are held in memory, so each call has an {@link
 * AnswerBound}: past it the call is stopped, however sandboxd behaves.
 */
final class CollectedCall<Req, Resp extends MessageLite> {

  private final SandboxdAccess access;
  private final Route<Req, Resp> route;
  private final AnswerBound bound;
  private long answerBytes;
  private final Promise<List<Resp>> result = Promise.promise();
  private final List<Resp> answers = new ArrayList<>();
  private SandboxCall<Req, Resp> call;
  private GrpcClientRequest<Req, Resp> outbound;

  private CollectedCall(SandboxdAccess access, Route<Req, Resp> route, AnswerBound bound) {
    this.access = access;
    this.route = route;
    this.bound = bound;
  }

  /**
   * Sends {@code messages} (the first decides the call) to the caller's sandbox along {@code route}
   * and completes with every answer, or fails with a {@link StatusException} or {@link
   * dev.bastion.controller.sandbox.SandboxError}; answers past {@code bound} fail it INTERNAL. Call
   * it on an event loop.
   */
  static <Req, Resp extends MessageLite> Future<List<Resp>> make(
      SandboxdAccess access,
      Tenant tenant,
      Route<Req, Resp> route,
      List<Req> messages,
      AnswerBound bound) {
    return new CollectedCall<>(access, route, bound).start(tenant, messages);
  }

  private Future<List<Resp>> start(Tenant tenant, List<Req> messages) {
    try {
      call = access.open(tenant, route, messages.get(0));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    call.connect()
        .onComplete(
            connected -> {
              if (connected.succeeded()) {
                send(connected.result(), messages.subList(1, messages.size()));
              } else {
                onSandboxLost();
              }
            });
    return result.future().andThen(done -> call.close());
  }

  private void send(GrpcClientRequest<Req, Resp> request, List<Req> rest) {
    outbound = request;
    request.exceptionHandler(ignored -> onSandboxLost());
    request
        .response()
        .onComplete(
            answered -> {
              if (answered.succeeded()) {
                collect(answered.result());
              } else {
                onSandboxLost();
              }
            });
    request.write(call.first());
    for (Req message : rest) {
      try {
        call.onRequest(message);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      request.write(message);
    }
    request.end();
  }

  private void collect(GrpcClientResponse<Req, Resp> response) {
    response.handler(
        message -> {
          if (result.future().isComplete()) {
            return;
          }
          answerBytes += message.getSerializedSize();
          if (answers.size() == bound.messages() || answerBytes > bound.bytes()) {
            fail(
                new StatusException(
                    GrpcStatus.INTERNAL,
                    "sandbox "
                        + call.sandboxId()
                        + " answered more than the call asked for; the call was stopped"));
            return;
          }
          try {
            call.onResponse(message);
          } catch (RuntimeException e) {
            fail(e);
            return;
          }
          answers.add(message);
        });
    response.exceptionHandler(ignored -> onSandboxLost());
    response.endHandler(
        ignored -> {
          if (response.status() == GrpcStatus.OK) {
            result.tryComplete(answers);
          } else {
            result.tryFail(call.sandboxdStatus(response));
          }
        });
  }

  private void onSandboxLost() {
    if (result.future().isComplete()) {
      return;
    }
    call.lastWords()
        .onComplete(
            verdict -> {
              if (verdict.succeeded()) {
                answers.add(verdict.result());
                result.tryComplete(answers);
              } else {
                result.tryFail(verdict.cause());
              }
            });
  }

  /** Ends the call with {@code failure}, and stops the sandbox's side of it. */
  private void fail(Throwable failure) {
    if (result.tryFail(failure) && outbound != null) {
      outbound.cancel();
    }
  }
}
