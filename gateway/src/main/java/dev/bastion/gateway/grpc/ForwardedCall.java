package dev.bastion.gateway.grpc;

import dev.bastion.gateway.access.Route;
import dev.bastion.gateway.access.SandboxCall;
import dev.bastion.gateway.access.SandboxdAccess;
import dev.bastion.gateway.status.CallStatus;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.TimeUnit;

/**
 * One call relayed between an agent and a sandbox's sandboxd, in both directions, for every call
 * shape (unary, client-, server- and bidi-streaming).
 *
 * <p>Flow control holds end to end: when the agent reads slowly the gateway stops reading from
 * sandboxd (so HTTP/2 windows fill and sandboxd stops reading the process), and when sandboxd is
 * slow to take stdin the gateway stops reading from the agent. Nothing is buffered without bound.
 * Cancellation travels both ways. Policy decides the call on its first message, before anything
 * reaches the sandbox, and holds it to its limits while it runs (see {@link SandboxCall}); a call
 * whose client sends one message must send exactly one, within {@link OneRequest#PATIENCE}. All of
 * it runs on the call's event loop.
 */
final class ForwardedCall<Req, Resp> {

  private final GrpcServerRequest<Req, Resp> inbound;
  private final GrpcServerResponse<Req, Resp> response;
  private final Route<Req, Resp> route;
  private final boolean oneRequest;
  private final SandboxdAccess access;
  private final CallerTenant callers;

  private SandboxCall<Req, Resp> call;
  private GrpcClientRequest<Req, Resp> outbound;
  private boolean connecting;
  private boolean inboundEnded;
  private boolean finished;
  private boolean sandboxAnswered;
  private Vertx vertx;
  private long silenceTimer = -1;

  ForwardedCall(
      GrpcServerRequest<Req, Resp> inbound,
      Route<Req, Resp> route,
      boolean oneRequest,
      SandboxdAccess access,
      CallerTenant callers) {
    this.inbound = inbound;
    this.response = inbound.response();
    this.route = route;
    this.oneRequest = oneRequest;
    this.access = access;
    this.callers = callers;
  }

  void start() {
    vertx = Vertx.currentContext().owner();
    silenceTimer =
        vertx.setTimer(
            OneRequest.PATIENCE.toMillis(),
            id -> {
              if (!connecting && outbound == null) {
                finish(OneRequest.silent(inbound));
              }
            });
    inbound.handler(this::onInboundMessage);
    inbound.endHandler(ignored -> onInboundEnd());
    // Vert.x reports a client's cancel (RST_STREAM) to the error handler, a broken connection to
    // the exception handler: either way the agent is gone.
    inbound.errorHandler(ignored -> onInboundCancelled());
    inbound.exceptionHandler(ignored -> onInboundCancelled());
  }

  private void onInboundMessage(Req message) {
    if (finished) {
      return;
    }
    if (message == null) {
      finish(Undecodable.status(inbound));
      return;
    }
    if (oneRequest && outbound != null) {
      // sandboxd acts on the last message of such a call, and policy decided on the first.
      finish(OneRequest.secondMessage(inbound));
      return;
    }
    if (outbound != null) {
      try {
        call.onRequest(message);
      } catch (RuntimeException e) {
        finish(CallStatus.of(e));
        return;
      }
      outbound.write(message);
      if (outbound.writeQueueFull()) {
        inbound.pause();
        outbound.drainHandler(ignored -> inbound.resume());
      }
      return;
    }
    if (connecting) {
      // Paused while connecting, so this cannot happen; refuse rather than lose a message.
      finish(new StatusException(GrpcStatus.INTERNAL, "internal error"));
      return;
    }
    connecting = true;
    stopSilenceTimer();
    inbound.pause();
    try {
      call = access.open(callers.of(inbound), route, message);
    } catch (RuntimeException e) {
      finish(CallStatus.of(e));
      return;
    }
    Req first = call.first();
    call.connect()
        .onComplete(
            connected -> {
              if (connected.succeeded()) {
                onConnected(connected.result(), first);
              } else {
                onSandboxLost();
              }
            });
  }

  private void onConnected(GrpcClientRequest<Req, Resp> request, Req first) {
    if (finished) {
      request.cancel();
      return;
    }
    outbound = request;
    long timeout = inbound.timeout();
    if (timeout > 0) {
      outbound.timeout(timeout, TimeUnit.MILLISECONDS);
    }
    call.follow(outbound, this::relayResponse, this::onSandboxLost);
    outbound.write(first);
    if (inboundEnded) {
      outbound.end();
    } else {
      inbound.resume();
    }
  }

  private void relayResponse(GrpcClientResponse<Req, Resp> answer) {
    // Headers go on at once: for a stream they tell the agent the call is in place (a Watch is
    // watching, an Exec has a process) before the first message.
    response.writeHead();
    answer.handler(
        message -> {
          if (finished) {
            return;
          }
          try {
            call.onResponse(message);
          } catch (RuntimeException e) {
            finish(CallStatus.of(e));
            return;
          }
          response.write(message);
          if (response.writeQueueFull()) {
            answer.pause();
            response.drainHandler(ignored -> answer.resume());
          }
        });
    answer.exceptionHandler(ignored -> onSandboxLost());
    answer.endHandler(
        ignored -> {
          sandboxAnswered = true;
          GrpcStatus status = answer.status();
          if (status == GrpcStatus.OK) {
            finishOk();
          } else {
            finish(call.sandboxdStatus(answer));
          }
        });
  }

  private void onInboundEnd() {
    inboundEnded = true;
    if (outbound != null) {
      // A client may half-close after the sandbox has answered (after the exited event): that
      // stream is already over, and ending it again would fail.
      if (!sandboxAnswered && !finished) {
        outbound.end();
      }
    } else if (!connecting) {
      finish(OneRequest.noMessage(inbound));
    }
  }

  /** The agent went away: stop the sandbox side too (sandboxd kills untagged processes). */
  private void onInboundCancelled() {
    finished = true;
    release();
    if (outbound != null) {
      outbound.cancel();
    }
  }

  /**
   * The stream to sandboxd broke: the agent hears why (an out-of-memory stop in the call's own
   * terms where it has them).
   */
  private void onSandboxLost() {
    if (finished) {
      return;
    }
    call.lastWords()
        .onComplete(
            verdict -> {
              if (verdict.succeeded()) {
                response.write(verdict.result());
                finishOk();
              } else {
                finish(CallStatus.of(verdict.cause()));
              }
            });
  }

  private void finishOk() {
    if (!finished) {
      finished = true;
      release();
      response.end();
    }
  }

  private void finish(StatusException status) {
    if (!finished) {
      finished = true;
      release();
      GrpcErrors.fail(response, status);
      if (outbound != null && !sandboxAnswered) {
        outbound.cancel();
      }
    }
  }

  private void stopSilenceTimer() {
    if (silenceTimer >= 0) {
      vertx.cancelTimer(silenceTimer);
      silenceTimer = -1;
    }
  }

  private void release() {
    stopSilenceTimer();
    if (call != null) {
      call.close();
    }
  }
}
