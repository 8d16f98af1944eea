package dev.bastion.controller;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * The worker pool {@code bastion-api} that agents' calls and the resource API block on, in either
 * mode: apart from the reconciles' pool, so a burst of container starts never queues a call.
 */
public final class ApiWorkers {

  static final String NAME = "bastion-api";

  /**
   * The calls wait on I/O (the store's fsyncs on one machine, API round trips on a cluster), not on
   * the CPU, so a few times the cores the gateway gets (two to four) overlap those waits; a fixed
   * bound makes a flood of calls queue instead of growing threads.
   */
  static final int SIZE = 8;

  private ApiWorkers() {}

  /**
   * A handle on the pool, made on first use; the caller closes it when it stops (Vert.x counts the
   * handles and closes the pool with the last).
   */
  public static WorkerExecutor open(Vertx vertx) {
    return vertx.createSharedWorkerExecutor(NAME, SIZE);
  }
}
