package dev.bastion.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallRateTest {

  @Test
  void aMinutesCallsMaySpendAtOnceThenRefillSteadily() {
    AtomicLong now = new AtomicLong();
    CallRate rate = new CallRate(now::get);
    for (int i = 0; i < 60; i++) {
      assertThat(rate.tryAcquire("alice", 60)).as("call %d", i).isTrue();
    }
    assertThat(rate.tryAcquire("alice", 60)).isFalse();
    assertThat(rate.tryAcquire("bob", 60)).as("tenants have their own allowance").isTrue();
    now.addAndGet(999_000_000L);
    assertThat(rate.tryAcquire("alice", 60)).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(rate.tryAcquire("alice", 60)).as("one call per second comes back").isTrue();
    assertThat(rate.tryAcquire("alice", 60)).isFalse();
    now.addAndGet(3_600_000_000_000L);
    for (int i = 0; i < 60; i++) {
      assertThat(rate.tryAcquire("alice", 60)).isTrue();
    }
    assertThat(rate.tryAcquire("alice", 60)).as("the allowance never exceeds a minute's").isFalse();
  }
}
