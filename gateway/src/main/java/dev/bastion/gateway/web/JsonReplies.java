package dev.bastion.gateway.web;

import dev.bastion.gateway.status.CallStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/**
 * How the JSON APIs answer: a JSON body, and errors as {@code {"code":"NOT_FOUND","message":"..."}}
 * with the gRPC code's name and the HTTP status that stands for it, so a caller sees the same
 * refusal whichever front end it used. Failures nobody expected are logged and answered INTERNAL
 * with no detail ({@link CallStatus#of}).
 */
public final class JsonReplies {

  private static final String JSON = "application/json";

  private JsonReplies() {}

  /** Answers with {@code result}'s body once it completes, or with its failure. */
  public static void answer(HttpServerRequest request, Future<JsonObject> result) {
    result.onComplete(
        done -> {
          if (done.succeeded()) {
            ok(request, done.result());
          } else {
            failure(request, done.cause());
          }
        });
  }

  /** Answers 200 with {@code body}. */
  public static void ok(HttpServerRequest request, JsonObject body) {
    if (!request.response().ended()) {
      request.response().setStatusCode(200).putHeader("content-type", JSON).end(body.encode());
    }
  }

  /** Answers the error {@code failure} stands for. */
  public static void failure(HttpServerRequest request, Throwable failure) {
    StatusException status = CallStatus.of(failure);
    fail(request, httpStatus(status.status()), status.status().name(), status.message());
  }

  /** Answers the error {@code code} (a gRPC code's name) with HTTP {@code status}. */
  public static void fail(HttpServerRequest request, int status, String code, String message) {
    if (request.response().ended() || request.response().headWritten()) {
      return;
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader("content-type", JSON)
        .end(new JsonObject().put("code", code).put("message", message).encode());
  }

  /** Answers 401: the caller must say who it is. */
  public static void unauthenticated(HttpServerRequest request) {
    fail(request, 401, "UNAUTHENTICATED", "a valid bearer token is required");
  }

  /** The HTTP status that the gRPC code {@code status} stands for. */
  static int httpStatus(GrpcStatus status) {
    return switch (status) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case FAILED_PRECONDITION -> 412;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }
}
