package dev.bastion.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request body read into memory up to a bound. A body over it is refused as soon as that is known
 * — from its Content-Length or as it arrives — so an agent cannot make the gateway hold more.
 */
public final class BoundedBody {

  /** The body is, or says it is, larger than the bound. */
  public static final class TooLarge extends RuntimeException {
    TooLarge(int max) {
      super("the request body is larger than " + max + " bytes", null, false, false);
    }
  }

  private BoundedBody() {}

  /** Reads {@code request}'s body; fails with {@link TooLarge} when it has more than max bytes. */
  public static Future<Buffer> read(HttpServerRequest request, int max) {
    String length = request.getHeader("content-length");
    if (length != null && parseLength(length) > max) {
      return Future.failedFuture(new TooLarge(max));
    }
    Promise<Buffer> result = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(
        chunk -> {
          if (result.future().isComplete()) {
            return;
          }
          if (body.length() + chunk.length() > max) {
            result.tryFail(new TooLarge(max));
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(done -> result.tryComplete(body));
    request.exceptionHandler(result::tryFail);
    request.resume();
    return result.future();
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
