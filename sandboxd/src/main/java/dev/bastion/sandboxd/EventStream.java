package dev.bastion.sandboxd;

import dev.bastion.api.grpc.StatusMessages;
import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.Exited;
import dev.bastion.api.v1.Keepalive;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.time.Duration;

/**
 * Feeds a process's events into an Exec or Connect response stream.
 *
 * <p>The client that started a process holds back its output through {@link OutputGate} when it is
 * slow. A client attached with Connect must not slow the process down, so it is never asked to
 * gate; instead, once it has fallen more than {@code maxLagBytes} behind, it is dropped with
 * RESOURCE_EXHAUSTED and can reconnect to resume from the replay buffer.
 *
 * <p>A stream that stays silent for a keepalive interval gets a {@code keepalive} event, so that
 * idle timeouts of proxies between the agent and the sandbox do not cut a quiet process off.
 */
final class EventStream implements ProcessListener {

  private static final ExecEvent KEEPALIVE =
      ExecEvent.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build();

  private final Vertx vertx;
  private final GrpcServerResponse<?, ExecEvent> response;
  private final long maxLagBytes;
  private final long keepaliveTimer;
  private long lagBytes;
  private boolean closed;
  private boolean spokeSinceLastTick;
  private Runnable onDrain = () -> {};

  /** Must be made on the call's event loop, where its keepalive timer then runs. */
  EventStream(
      Vertx vertx,
      GrpcServerResponse<?, ExecEvent> response,
      long maxLagBytes,
      Duration keepaliveInterval) {
    this.vertx = vertx;
    this.response = response;
    this.maxLagBytes = maxLagBytes;
    response.drainHandler(
        v -> {
          lagBytes = 0;
          onDrain.run();
        });
    this.keepaliveTimer = vertx.setPeriodic(keepaliveInterval.toMillis(), id -> keepalive());
  }

  private void keepalive() {
    if (!spokeSinceLastTick && !closed && !response.writeQueueFull()) {
      response.write(KEEPALIVE);
    }
    spokeSinceLastTick = false;
  }

  /** Stops the stream without ending the call: the client went away. */
  void close() {
    closed = true;
    vertx.cancelTimer(keepaliveTimer);
  }

  @Override
  public void onEvent(ExecEvent event) {
    if (closed) {
      return;
    }
    spokeSinceLastTick = true;
    response.write(event);
    if (response.writeQueueFull()) {
      lagBytes += event.getSerializedSize();
      if (lagBytes > maxLagBytes) {
        close();
        StatusMessages.end(
            response,
            GrpcStatus.RESOURCE_EXHAUSTED,
            "client fell too far behind the output; reconnect to resume");
      }
    }
  }

  @Override
  public void onExit(Exited exited) {
    if (closed) {
      return;
    }
    close();
    response.write(ExecEvent.newBuilder().setExited(exited).build());
    response.end();
  }

  @Override
  public boolean isBackedUp() {
    return !closed && response.writeQueueFull();
  }

  @Override
  public void whenDrained(Runnable action) {
    this.onDrain = action;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }
}
