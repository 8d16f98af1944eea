package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  @Test
  void tasksRunOneAtATimeInOrderOnAPool() throws InterruptedException {
    int tasks = 10_000;
    List<Integer> order = new ArrayList<>(); // unsynchronized on purpose: one task at a time
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(tasks);
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      SerialExecutor serial = new SerialExecutor(pool);
      for (int i = 0; i < tasks; i++) {
        int n = i;
        serial.execute(
            () -> {
              if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              order.add(n);
              running.decrementAndGet();
              done.countDown();
            });
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(overlaps).hasValue(0);
    assertThat(order).hasSize(tasks).isSorted();
  }

  @Test
  void aTaskThatThrowsDoesNotStopTheOnesAfterIt() throws InterruptedException {
    CountDownLatch after = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      SerialExecutor serial = new SerialExecutor(pool);
      serial.execute(
          () -> {
            throw new IllegalStateException("a callback's bug");
          });
      serial.execute(after::countDown);
      assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
