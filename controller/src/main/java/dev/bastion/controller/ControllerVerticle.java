package dev.bastion.controller;

import dev.bastion.controller.metrics.AgentSandboxMetrics;
import dev.bastion.controller.reconcile.ControllerLoop;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

/** Starts and stops the reconcilers' loop and the periodic metrics recount; nothing else. */
public final class ControllerVerticle extends VerticleBase {

  private static final Duration METRICS_PERIOD = Duration.ofSeconds(5);

  private final ControllerLoop loop;
  private final ResourceStore store;
  private final AgentSandboxMetrics metrics;
  private long metricsTimer = -1;

  public ControllerVerticle(ControllerLoop loop, ResourceStore store, AgentSandboxMetrics metrics) {
    this.loop = loop;
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    loop.start(store);
    metricsTimer =
        vertx.setPeriodic(
            0,
            METRICS_PERIOD.toMillis(),
            id ->
                vertx.executeBlocking(
                    () -> {
                      metrics.refresh(store);
                      return null;
                    },
                    false));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(metricsTimer);
    loop.stop();
    return Future.succeededFuture();
  }
}
