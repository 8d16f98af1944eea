package dev.bastion.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerLoopTest {

  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor worker = vertx.createSharedWorkerExecutor("test-controller", 4);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void neverReconcilesOneObjectTwiceAtOnceAndCoalescesChangesDuringAPass() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger passes = new AtomicInteger();
    CountDownLatch firstPassStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Reconciler slow =
        new Reconciler() {
          @Override
          public String kind() {
            return "Sandbox";
          }

          @Override
          public Requeue reconcile(String namespace, String name) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            passes.incrementAndGet();
            firstPassStarted.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return Requeue.never();
          }
        };
    ControllerLoop loop =
        new ControllerLoop(vertx, worker, 4, Duration.ofHours(1)).register(slow, List::of);
    ObjectKey key = new ObjectKey("Sandbox", "default", "a");
    loop.enqueue(key);
    assertThat(firstPassStarted.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100; i++) {
      loop.enqueue(key);
    }
    var after = loop.reconcileNow(key);
    release.countDown();
    after.await(10, TimeUnit.SECONDS);

    assertThat(mostAtOnce.get()).isEqualTo(1);
    assertThat(passes.get()).as("a hundred changes during a pass make one more pass").isEqualTo(2);
  }

  @Test
  void aFailedPassIsRetried() throws Exception {
    AtomicInteger passes = new AtomicInteger();
    CountDownLatch succeeded = new CountDownLatch(1);
    Reconciler flaky =
        new Reconciler() {
          @Override
          public String kind() {
            return "Sandbox";
          }

          @Override
          public Requeue reconcile(String namespace, String name) {
            if (passes.incrementAndGet() < 3) {
              throw new IllegalStateException("transient");
            }
            succeeded.countDown();
            return Requeue.never();
          }
        };
    new ControllerLoop(vertx, worker, 2, Duration.ofHours(1))
        .register(flaky, List::of)
        .enqueue(new ObjectKey("Sandbox", "default", "a"));
    assertThat(succeeded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(passes.get()).isEqualTo(3);
  }
}
