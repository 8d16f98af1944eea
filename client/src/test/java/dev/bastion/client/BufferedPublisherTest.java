package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The publisher's contract, with signals run in place (a serial executor over the calling thread),
 * so every step is deterministic.
 */
class BufferedPublisherTest {

  private final List<String> sourceCalls = new ArrayList<>();
  private final BufferedPublisher<Integer> publisher =
      new BufferedPublisher<>(
          new SerialExecutor(Runnable::run),
          () -> sourceCalls.add("pause"),
          () -> sourceCalls.add("resume"));

  /** Records what it is signalled, and asks for nothing unless told to. */
  private static final class Recorder implements Flow.Subscriber<Integer> {
    final List<Object> signals = new ArrayList<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      signals.add("subscribed");
    }

    @Override
    public void onNext(Integer item) {
      signals.add(item);
    }

    @Override
    public void onError(Throwable failure) {
      signals.add(failure);
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }
  }

  @Test
  void itemsPushedBeforeTheSubscriptionAreHeldForIt() {
    publisher.offer(1);
    publisher.offer(2);
    publisher.complete();
    Recorder late = new Recorder();
    publisher.subscribe(late);
    assertThat(late.signals).containsExactly("subscribed");
    late.subscription.request(Long.MAX_VALUE);
    assertThat(late.signals).containsExactly("subscribed", 1, 2, "complete");
  }

  @Test
  void itemsFollowDemandInOrder() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    IntStream.rangeClosed(1, 5).forEach(publisher::offer);
    recorder.subscription.request(2);
    assertThat(recorder.signals).containsExactly("subscribed", 1, 2);
    recorder.subscription.request(1);
    assertThat(recorder.signals).containsExactly("subscribed", 1, 2, 3);
    publisher.complete();
    assertThat(recorder.signals)
        .as("completion waits for the items held")
        .doesNotContain("complete");
    recorder.subscription.request(5);
    assertThat(recorder.signals).containsExactly("subscribed", 1, 2, 3, 4, 5, "complete");
  }

  @Test
  void aFailureComesAfterTheItemsHeldBeforeIt() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    publisher.offer(1);
    IllegalStateException broken = new IllegalStateException("broken");
    publisher.fail(broken);
    recorder.subscription.request(1);
    assertThat(recorder.signals).containsExactly("subscribed", 1, broken);
  }

  @Test
  void anEmptySourceCompletesWithoutDemand() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    publisher.complete();
    assertThat(recorder.signals).containsExactly("subscribed", "complete");
  }

  @Test
  void aSecondSubscriberIsRefused() {
    publisher.subscribe(new Recorder());
    Recorder second = new Recorder();
    publisher.subscribe(second);
    assertThat(second.signals).hasSize(2).startsWith("subscribed");
    assertThat(second.signals.get(1))
        .isInstanceOf(IllegalStateException.class)
        .asString()
        .contains("one subscriber");
  }

  @Test
  void nonPositiveDemandIsAnError() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    publisher.offer(1);
    recorder.subscription.request(0);
    assertThat(recorder.signals).hasSize(2);
    assertThat(recorder.signals.get(1)).isInstanceOf(IllegalArgumentException.class);
    recorder.subscription.request(1);
    publisher.complete();
    assertThat(recorder.signals).as("nothing after the error").hasSize(2);
  }

  @Test
  void theSourcePausesWhileTooMuchIsHeldAndResumesWhenItDrains() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    IntStream.rangeClosed(1, BufferedPublisher.HIGH_WATER).forEach(publisher::offer);
    assertThat(sourceCalls).isEmpty();
    publisher.offer(BufferedPublisher.HIGH_WATER + 1);
    assertThat(sourceCalls).containsExactly("pause");
    recorder.subscription.request(BufferedPublisher.HIGH_WATER + 1 - BufferedPublisher.LOW_WATER);
    assertThat(sourceCalls).containsExactly("pause", "resume");
  }

  @Test
  void cancellingDropsWhatIsHeldAndLetsTheSourceRun() {
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    IntStream.rangeClosed(1, BufferedPublisher.HIGH_WATER + 1).forEach(publisher::offer);
    recorder.subscription.cancel();
    publisher.offer(100);
    publisher.complete();
    recorder.subscription.request(10);
    assertThat(recorder.signals).containsExactly("subscribed");
    assertThat(sourceCalls).containsExactly("pause", "resume");
  }
}
