package dev.bastion.sandboxd;

import dev.bastion.api.grpc.StatusMessages;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns failures into gRPC statuses with one human line each. Anything that is not a {@link
 * StatusException} is a bug or a host problem: it is logged here and the client only learns
 * "internal error", never a stack trace or host path.
 */
final class GrpcErrors {

  private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());

  private GrpcErrors() {}

  static StatusException invalid(String message) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, message);
  }

  static StatusException notFound(String message) {
    return new StatusException(GrpcStatus.NOT_FOUND, message);
  }

  /**
   * Runs {@code action} when the client cancels the call or the connection breaks. Vert.x reports a
   * stream reset through the error handler and other stream failures through the exception handler;
   * both mean nobody is listening any more.
   */
  static void whenClientGone(GrpcServerRequest<?, ?> request, Runnable action) {
    request.errorHandler(error -> action.run());
    request.exceptionHandler(failure -> action.run());
  }

  /**
   * Serves {@code method}, whose one request {@code handle} answers: its value ends the call, its
   * failure ends it with that failure's status.
   */
  static <Req, Resp> void unary(
      GrpcServer server, ServiceMethod<Req, Resp> method, Function<Req, Future<Resp>> handle) {
    server.callHandler(
        method,
        request ->
            request.last().compose(handle).onComplete(result -> reply(request.response(), result)));
  }

  /** Ends a unary call with the result's value, or with the failure's status. */
  static <T> void reply(GrpcServerResponse<?, T> response, AsyncResult<T> result) {
    if (result.succeeded()) {
      response.end(result.result());
    } else {
      fail(response, result.cause());
    }
  }

  /** Ends a call with the status for {@code failure}. */
  static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
    StatusException status = toStatus(failure);
    try {
      StatusMessages.end(response, status.status(), status.message());
    } catch (IllegalStateException alreadyEnded) {
      // The call was already over (cancelled, or ended by a racing path); nothing to tell.
    }
  }

  /**
   * Maps the I/O exceptions file operations commonly raise to statuses that name {@code
   * clientPath}, the path as the client spelled it.
   */
  static StatusException io(IOException e, String clientPath) {
    if (e instanceof NoSuchFileException) {
      return notFound(clientPath + " does not exist");
    } else if (e instanceof FileAlreadyExistsException) {
      return new StatusException(GrpcStatus.ALREADY_EXISTS, clientPath + " already exists");
    } else if (e instanceof DirectoryNotEmptyException) {
      return new StatusException(GrpcStatus.FAILED_PRECONDITION, clientPath + " is not empty");
    } else if (e instanceof NotDirectoryException) {
      return invalid(clientPath + " is not a directory");
    } else if (e instanceof AccessDeniedException) {
      return new StatusException(GrpcStatus.PERMISSION_DENIED, "permission denied: " + clientPath);
    }
    LOG.log(Level.WARNING, "I/O error on " + clientPath, e);
    return new StatusException(GrpcStatus.INTERNAL, "I/O error on " + clientPath);
  }

  private static StatusException toStatus(Throwable failure) {
    if (failure instanceof StatusException status) {
      return status;
    }
    LOG.log(Level.WARNING, "request failed unexpectedly", failure);
    return new StatusException(GrpcStatus.INTERNAL, "internal error");
  }
}
