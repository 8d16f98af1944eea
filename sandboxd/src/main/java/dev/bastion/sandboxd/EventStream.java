package dev.bastion.sandboxd;

import dev.bastion.api.v1.ExecEvent;
import dev.bastion.api.v1.Exited;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * Feeds a process's events into an Exec or Connect response stream.
 *
 * <p>The client that started a process holds back its output through {@link OutputGate} when it is
 * slow. A client attached with Connect must not slow the process down, so it is never asked to
 * gate; instead, once it has fallen more than {@code maxLagBytes} behind, it is dropped with
 * RESOURCE_EXHAUSTED and can reconnect to resume from the replay buffer.
 */
final class EventStream implements ProcessListener {

  private final GrpcServerResponse<?, ExecEvent> response;
  private final long maxLagBytes;
  private long lagBytes;
  private boolean closed;
  private Runnable onDrain = () -> {};

  EventStream(GrpcServerResponse<?, ExecEvent> response, long maxLagBytes) {
    this.response = response;
    this.maxLagBytes = maxLagBytes;
    response.drainHandler(
        v -> {
          lagBytes = 0;
          onDrain.run();
        });
  }

  @Override
  public void onEvent(ExecEvent event) {
    if (closed) {
      return;
    }
    response.write(event);
    if (response.writeQueueFull()) {
      lagBytes += event.getSerializedSize();
      if (lagBytes > maxLagBytes) {
        closed = true;
        response
            .status(GrpcStatus.RESOURCE_EXHAUSTED)
            .statusMessage("client fell too far behind the output; reconnect to resume")
            .end();
      }
    }
  }

  @Override
  public void onExit(Exited exited) {
    if (closed) {
      return;
    }
    closed = true;
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
