package dev.bastion.loadtest.bench;

import com.google.protobuf.DynamicMessage;
import dev.bastion.api.grpc.StatusMessages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One call of any kind — unary, server-streaming, client-streaming or bidi — from its first byte to
 * its status; the driver times the whole of it, as ghz does. Everything happens on the event loop
 * the call started on: no blocking, no thread per call.
 *
 * <p>A client stream sends the data's messages (or {@code --stream-call-count} of them, cycling),
 * {@code --stream-interval} apart, and half-closes; a bidi call then reads until the server ends. A
 * server stream is read to its end, or until {@code --stream-call-count} messages or {@code
 * --stream-call-duration} have passed: then the client ends it, and the call counts as OK (ghz
 * reports such calls as Canceled; here the client ended them on purpose).
 */
final class GrpcCall {

  private final Vertx vertx;
  private final BenchMethod method;
  private final List<DynamicMessage> messages;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final StreamOptions streams;
  private final Promise<CallOutcome> outcome = Promise.promise();
  private GrpcClientRequest<DynamicMessage, DynamicMessage> request;
  private boolean requestEnded;
  private boolean sendingStopped;
  private long received;
  private long deadlineTimer = -1;
  private long streamTimer = -1;
  private long intervalTimer = -1;

  GrpcCall(
      Vertx vertx,
      BenchMethod method,
      List<DynamicMessage> messages,
      Map<String, String> headers,
      Duration timeout,
      StreamOptions streams) {
    this.vertx = vertx;
    this.method = method;
    this.messages = messages;
    this.headers = headers;
    this.timeout = timeout;
    this.streams = streams;
  }

  /** Starts the call; the future never fails, it completes with how the call ended. */
  Future<CallOutcome> start(GrpcClient client, SocketAddress target) {
    if (!timeout.isZero()) {
      deadlineTimer =
          vertx.setTimer(
              Math.max(1, timeout.toMillis()), id -> finish(CallOutcome.DEADLINE_EXCEEDED));
    }
    client
        .request(target, method.serviceMethod())
        .onComplete(
            connected -> {
              if (connected.succeeded()) {
                onRequest(connected.result());
              } else {
                finish(CallOutcome.of(connected.cause()));
              }
            });
    return outcome.future();
  }

  /** Ends the call from the client (Ctrl-C); call on the call's event loop. */
  void cancel() {
    finish(CallOutcome.CANCELED);
  }

  private void onRequest(GrpcClientRequest<DynamicMessage, DynamicMessage> started) {
    if (outcome.future().isComplete()) {
      started.cancel();
      return;
    }
    request = started;
    headers.forEach(request.headers()::add);
    if (!timeout.isZero()) {
      // Tells the server too, so that it stops working on a call nobody waits for.
      request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    request.exceptionHandler(failure -> finish(CallOutcome.of(failure)));
    request
        .response()
        .onComplete(
            answered -> {
              if (answered.succeeded()) {
                onResponse(answered.result());
              } else {
                finish(CallOutcome.of(answered.cause()));
              }
            });
    boolean streaming = method.clientStreaming() || method.serverStreaming();
    if (streaming && !streams.callDuration().isZero()) {
      streamTimer =
          vertx.setTimer(Math.max(1, streams.callDuration().toMillis()), id -> onCallDuration());
    }
    if (method.clientStreaming()) {
      sendFrom(0);
    } else {
      requestEnded = true;
      request.end(messages.getFirst());
    }
  }

  /** Writes messages from {@code index} on, pausing for the interval and for backpressure. */
  private void sendFrom(int index) {
    long total = streams.callCount() > 0 ? streams.callCount() : messages.size();
    int next = index;
    while (!outcome.future().isComplete()) {
      if (next >= total || sendingStopped) {
        endRequest();
        return;
      }
      request.write(messages.get(next % messages.size()));
      next++;
      int resume = next;
      if (next < total && !streams.interval().isZero()) {
        intervalTimer =
            vertx.setTimer(
                Math.max(1, streams.interval().toMillis()),
                id -> {
                  intervalTimer = -1;
                  sendFrom(resume);
                });
        return;
      }
      if (request.writeQueueFull()) {
        request.drainHandler(
            drained -> {
              request.drainHandler(null);
              sendFrom(resume);
            });
        return;
      }
    }
  }

  private void endRequest() {
    if (!requestEnded) {
      requestEnded = true;
      request.end();
    }
  }

  private void onResponse(GrpcClientResponse<DynamicMessage, DynamicMessage> response) {
    response.handler(
        message -> {
          received++;
          if (method.serverStreaming()
              && streams.callCount() > 0
              && received >= streams.callCount()) {
            finish(CallOutcome.OK);
          }
        });
    response.errorHandler(error -> finish(CallOutcome.of(error.status, "stream reset by peer")));
    response.exceptionHandler(failure -> finish(CallOutcome.of(failure)));
    response.endHandler(
        ended -> finish(CallOutcome.of(response.status(), StatusMessages.of(response))));
  }

  private void onCallDuration() {
    streamTimer = -1;
    if (method.clientStreaming()) {
      // Stop sending; a bidi call still reads what the server has to say.
      sendingStopped = true;
      if (intervalTimer >= 0) {
        vertx.cancelTimer(intervalTimer);
        intervalTimer = -1;
      }
      endRequest();
    } else {
      finish(CallOutcome.OK);
    }
  }

  private void finish(CallOutcome result) {
    if (!outcome.tryComplete(result)) {
      return;
    }
    for (long timer : new long[] {deadlineTimer, streamTimer, intervalTimer}) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    if (request != null) {
      // Resets the stream unless it already ended both ways, so nothing is left open.
      request.cancel();
    }
  }
}
