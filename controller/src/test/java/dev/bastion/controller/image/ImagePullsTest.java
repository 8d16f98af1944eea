package dev.bastion.controller.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.controller.runtime.ProcessDefaults;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImagePullsTest {

  private static final ImageReference TOOL = ImageReference.parse("registry.example/team/tool:1");
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  /** A registry whose tag moves when the test says, and whose pulls the test releases. */
  private static final class FakeSource implements ImageSource {
    final Map<String, LocalImage> kept = new ConcurrentHashMap<>();
    final List<String> pulled = new ArrayList<>();
    volatile String registryDigest = "sha256:" + "1".repeat(64);
    volatile CountDownLatch release = new CountDownLatch(0);
    volatile ImageFailure failWith;

    @Override
    public Optional<LocalImage> local(ImageReference reference) {
      return Optional.ofNullable(kept.get(reference.toString()));
    }

    @Override
    public LocalImage pull(ImageReference reference, Consumer<String> progress) {
      progress.accept("pulling " + reference + ": layer 1");
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new ImageFailure("interrupted");
      }
      synchronized (pulled) {
        pulled.add(registryDigest);
      }
      if (failWith != null) {
        throw failWith;
      }
      LocalImage image =
          new LocalImage(
              reference,
              registryDigest,
              Path.of("/roots", registryDigest),
              ProcessDefaults.builtIn());
      kept.put(reference.toString(), image);
      return image;
    }

    @Override
    public int collect(Set<String> inUse) {
      return 0;
    }
  }

  private final FakeSource source = new FakeSource();
  private Instant now = T0;
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final ImagePulls pulls = new ImagePulls(source, Set::of, clock);

  @AfterEach
  void close() {
    source.release.countDown();
    pulls.close();
  }

  /** Asks until the pull is done, as the reconciler's retries do. */
  private LocalImage awaitImage(PullPolicy policy, Instant since) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return pulls.require(TOOL, policy, since);
      } catch (ImagePending pending) {
        if (System.nanoTime() > deadline) {
          throw pending;
        }
        Thread.sleep(5);
      }
    }
  }

  @Test
  void aStartWaitsWithTheProgressWhileThePullRunsAndSharesIt() throws Exception {
    source.release = new CountDownLatch(1);
    assertThatThrownBy(() -> pulls.require(TOOL, PullPolicy.IF_NOT_PRESENT, T0))
        .isInstanceOf(ImagePending.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        pulls.require(TOOL, PullPolicy.IF_NOT_PRESENT, T0);
      } catch (ImagePending pending) {
        if (pending.getMessage().endsWith("layer 1") || System.nanoTime() > deadline) {
          assertThat(pending).hasMessage("pulling " + TOOL + ": layer 1");
          break;
        }
      }
      Thread.sleep(5);
    }
    source.release.countDown();
    assertThat(awaitImage(PullPolicy.IF_NOT_PRESENT, T0).digest()).isEqualTo(source.registryDigest);
    assertThat(source.pulled).hasSize(1);
  }

  @Test
  void ifNotPresentUsesTheKeptImageAndNeverPullsAgain() throws Exception {
    awaitImage(PullPolicy.IF_NOT_PRESENT, T0);
    source.registryDigest = "sha256:" + "2".repeat(64);
    now = T0.plusSeconds(600);
    assertThat(pulls.require(TOOL, PullPolicy.IF_NOT_PRESENT, now).digest())
        .endsWith("1".repeat(64));
    assertThat(source.pulled).hasSize(1);
  }

  @Test
  void alwaysFollowsATagThatMovedBeforeTheSandboxAskedAndSharesAPullWithThoseAskingTogether()
      throws Exception {
    assertThat(awaitImage(PullPolicy.ALWAYS, T0).digest()).endsWith("1".repeat(64));
    // Another sandbox asking at the same moment takes the same pull.
    assertThat(pulls.require(TOOL, PullPolicy.ALWAYS, T0).digest()).endsWith("1".repeat(64));
    assertThat(source.pulled).hasSize(1);

    source.registryDigest = "sha256:" + "2".repeat(64);
    now = T0.plusSeconds(1);
    assertThat(awaitImage(PullPolicy.ALWAYS, now).digest()).endsWith("2".repeat(64));
    assertThat(source.pulled).hasSize(2);
  }

  @Test
  void neverRefusesAnImageThatIsNotKeptWithoutAsking() {
    assertThatThrownBy(() -> pulls.require(TOOL, PullPolicy.NEVER, T0))
        .isInstanceOf(ImageFailure.class)
        .hasMessageContaining("imagePullPolicy is Never");
    assertThat(source.pulled).isEmpty();
  }

  @Test
  void aFailedPullAnswersForAWhileThenIsTriedAgain() throws Exception {
    source.failWith = new ImageFailure("the registry has no image " + TOOL);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    ImageFailure failure = null;
    while (failure == null && System.nanoTime() < deadline) {
      try {
        pulls.require(TOOL, PullPolicy.IF_NOT_PRESENT, T0);
      } catch (ImagePending pending) {
        Thread.sleep(5);
      } catch (ImageFailure e) {
        failure = e;
      }
    }
    assertThat(failure).hasMessage("the registry has no image " + TOOL);
    assertThatThrownBy(() -> pulls.require(TOOL, PullPolicy.IF_NOT_PRESENT, T0)).isSameAs(failure);
    assertThat(source.pulled).hasSize(1);

    source.failWith = null;
    now = T0.plus(ImagePulls.REUSE).plusSeconds(1);
    assertThat(awaitImage(PullPolicy.IF_NOT_PRESENT, T0).digest()).endsWith("1".repeat(64));
    assertThat(source.pulled).hasSize(2);
  }
}
