package dev.bastion.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.controller.model.ManifestKinds;
import dev.bastion.controller.store.LocalResourceStore;
import dev.bastion.controller.store.ObjectKey;
import dev.bastion.controller.store.ResourceStore;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerLoopTest {

  private final Vertx vertx = Vertx.vertx();
  private final ResourceStore store =
      LocalResourceStore.inMemory(Clock.systemUTC(), ManifestKinds.customResources());

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
        reconciler(
            "Sandbox",
            () -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              passes.incrementAndGet();
              firstPassStarted.countDown();
              await(release);
              running.decrementAndGet();
            });
    ControllerLoop loop =
        new ControllerLoop(vertx, "test-controller", Duration.ofHours(1))
            .register(slow, 4, List::of);
    loop.start(store);
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
        reconciler(
            "Sandbox",
            () -> {
              if (passes.incrementAndGet() < 3) {
                throw new IllegalStateException("transient");
              }
              succeeded.countDown();
            });
    ControllerLoop loop =
        new ControllerLoop(vertx, "test-controller", Duration.ofHours(1))
            .register(flaky, 2, List::of);
    loop.start(store);
    loop.enqueue(new ObjectKey("Sandbox", "default", "a"));
    assertThat(succeeded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(passes.get()).isEqualTo(3);
  }

  @Test
  void slowPassesOfOneKindNeverHoldTheWorkersOfAnother() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch workersBusy = new CountDownLatch(2);
    AtomicInteger slowStarted = new AtomicInteger();
    Reconciler slowStarts =
        reconciler(
            "Sandbox",
            () -> {
              slowStarted.incrementAndGet();
              workersBusy.countDown();
              await(release);
            });
    CountDownLatch claimed = new CountDownLatch(1);
    Reconciler claims = reconciler("SandboxClaim", claimed::countDown);
    ControllerLoop loop =
        new ControllerLoop(vertx, "test-controller", Duration.ofHours(1))
            .register(slowStarts, 2, List::of)
            .register(claims, 1, List::of);
    loop.start(store);
    for (int i = 0; i < 5; i++) {
      loop.enqueue(new ObjectKey("Sandbox", "default", "s" + i));
    }
    assertThat(workersBusy.await(10, TimeUnit.SECONDS)).isTrue();
    loop.enqueue(new ObjectKey("SandboxClaim", "default", "c"));

    assertThat(claimed.await(10, TimeUnit.SECONDS))
        .as("the claim's pass ran while every Sandbox worker was busy")
        .isTrue();
    assertThat(slowStarted.get()).as("a kind never runs more passes than its workers").isEqualTo(2);
    release.countDown();
  }

  private static Reconciler reconciler(String kind, Runnable pass) {
    return new Reconciler() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public Requeue reconcile(String namespace, String name) {
        pass.run();
        return Requeue.never();
      }
    };
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
