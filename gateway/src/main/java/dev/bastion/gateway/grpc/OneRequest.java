package dev.bastion.gateway.grpc;

import dev.bastion.gateway.status.CallStatus;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one request message of a call whose client sends one (unary and server-streaming methods).
 * gRPC libraries do not hold a client to that, so this does: a call that ends without a message,
 * sends a second one, or has not sent its message within {@link #PATIENCE}, is refused with
 * INVALID_ARGUMENT. Acting on the first of several messages would let the others through unchecked;
 * acting on the last would act on one nobody checked.
 */
final class OneRequest<Req> {

  /**
   * How long a call may take to send its (first) request message. Past it the call is ended: a
   * stream that never says anything would otherwise be held until the client gives up, and one that
   * sends a frame Vert.x cannot read (a compressed flag without an encoding) is never answered by
   * Vert.x at all.
   */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private final GrpcServerRequest<Req, ?> request;
  private final Consumer<Req> action;
  private final Vertx vertx;
  private final long timer;
  private Req message;
  private boolean over;

  private OneRequest(GrpcServerRequest<Req, ?> request, Consumer<Req> action) {
    this.request = request;
    this.action = action;
    this.vertx = Vertx.currentContext().owner();
    this.timer = vertx.setTimer(PATIENCE.toMillis(), id -> onSilence());
  }

  /**
   * Hands {@code request}'s one message to {@code action} once the client has sent it all. Call it
   * on the request's event loop, from the method's handler.
   */
  static <Req> void await(GrpcServerRequest<Req, ?> request, Consumer<Req> action) {
    OneRequest<Req> one = new OneRequest<>(request, action);
    request.handler(one::onMessage);
    request.endHandler(ignored -> one.onEnd());
  }

  private void onMessage(Req next) {
    if (over) {
      return;
    }
    if (next == null) {
      refuse(Undecodable.status(request));
    } else if (message != null) {
      refuse(secondMessage(request));
    } else {
      message = next;
    }
  }

  private void onEnd() {
    if (over) {
      return;
    }
    if (message == null) {
      refuse(noMessage(request));
      return;
    }
    over = true;
    vertx.cancelTimer(timer);
    action.accept(message);
  }

  private void onSilence() {
    if (!over) {
      refuse(silent(request));
    }
  }

  private void refuse(StatusException status) {
    over = true;
    vertx.cancelTimer(timer);
    GrpcErrors.fail(request.response(), status);
  }

  static StatusException noMessage(GrpcServerRequest<?, ?> request) {
    return CallStatus.invalid(
        "the call to " + Undecodable.methodOf(request) + " ended without a request message");
  }

  static StatusException secondMessage(GrpcServerRequest<?, ?> request) {
    return CallStatus.invalid(Undecodable.methodOf(request) + " takes exactly one request message");
  }

  static StatusException silent(GrpcServerRequest<?, ?> request) {
    return CallStatus.invalid(
        "the call to "
            + Undecodable.methodOf(request)
            + " sent no readable request message within "
            + PATIENCE.toSeconds()
            + " s");
  }
}
