package dev.bastion.controller.image;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Gives sandbox starts the images they name without ever making them wait on a registry: a start
 * whose image is not ready gets {@link ImagePending} with the pull's progress and is retried, and
 * pulls run one at a time on a thread of their own. Sandboxes that start together share one pull.
 */
public final class ImagePulls implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ImagePulls.class.getName());

  /**
   * How long a finished pull answers for its reference: sandboxes with {@code Always} that start
   * within it share the pull, and a failed one is not retried sooner, so a burst of starts does not
   * hammer a registry that said no.
   */
  static final Duration REUSE = Duration.ofSeconds(10);

  private final ImageSource store;
  private final Supplier<Set<String>> digestsInUse;
  private final Clock clock;
  private final ExecutorService pulls =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "bastion-image-pull");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Pull> byReference = new ConcurrentHashMap<>();

  /** One pull of a reference: its progress while it runs, then its outcome. */
  private static final class Pull {
    final Instant started;
    volatile String progress;
    volatile LocalImage image;
    volatile ImageFailure failure;
    volatile Instant finished;

    Pull(Instant started, String progress) {
      this.started = started;
      this.progress = progress;
    }
  }

  /**
   * @param digestsInUse the digests sandboxes run now, kept by the collection after each pull
   */
  public ImagePulls(ImageSource store, Supplier<Set<String>> digestsInUse, Clock clock) {
    this.store = store;
    this.digestsInUse = digestsInUse;
    this.clock = clock;
  }

  /**
   * The image a sandbox runs. With {@code Always} only a pull that began at {@code since} or later
   * will do, so a tag moved before the sandbox asked is followed, and sandboxes that ask together
   * share one pull.
   *
   * @param since when the sandbox first asked for it
   * @throws ImagePending while it is being pulled
   * @throws ImageFailure when it cannot be had, naming it and why
   */
  public LocalImage require(ImageReference reference, PullPolicy policy, Instant since) {
    if (policy != PullPolicy.ALWAYS) {
      var kept = store.local(reference);
      if (kept.isPresent()) {
        return kept.get();
      }
      if (policy == PullPolicy.NEVER) {
        throw new ImageFailure(
            "image "
                + reference
                + " is not in the image store and its imagePullPolicy is Never:"
                + " pull or load it first (bastion image pull, bastion image load)");
      }
    }
    Instant notBefore = policy == PullPolicy.ALWAYS ? since : Instant.MIN;
    Pull pull =
        byReference.compute(
            reference.toString(),
            (key, current) -> usable(current, notBefore) ? current : start(reference));
    forgetOldPulls();
    if (pull.finished == null) {
      throw new ImagePending(pull.progress);
    }
    if (pull.failure != null) {
      throw pull.failure;
    }
    return pull.image;
  }

  /**
   * Whether {@code pull} answers a sandbox that needs a pull begun at {@code notBefore} or later.
   */
  private boolean usable(Pull pull, Instant notBefore) {
    if (pull == null) {
      return false;
    }
    if (pull.finished == null) {
      // One pull at a time per reference: a newer one is started once this one is done.
      return true;
    }
    boolean fresh = !pull.started.isBefore(notBefore);
    boolean failedLately =
        pull.failure != null && !clock.instant().isAfter(pull.finished.plus(REUSE));
    return fresh && (pull.failure == null || failedLately);
  }

  /** Keeps what is remembered bounded by the references named lately, whatever tenants name. */
  private void forgetOldPulls() {
    Instant horizon = clock.instant().minus(REUSE.multipliedBy(6));
    byReference.values().removeIf(p -> p.finished != null && p.finished.isBefore(horizon));
  }

  private Pull start(ImageReference reference) {
    Pull pull = new Pull(clock.instant(), "waiting to pull " + reference);
    pulls.execute(
        () -> {
          try {
            pull.image =
                store.pull(
                    reference,
                    line -> {
                      pull.progress = line;
                      LOG.info(line);
                    });
          } catch (ImageFailure e) {
            LOG.info(e.getMessage());
            pull.failure = e;
          } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "pulling " + reference + " failed", e);
            pull.failure = new ImageFailure("could not pull image " + reference);
          } finally {
            pull.finished = clock.instant();
          }
          collect();
        });
    return pull;
  }

  /** Removes what a pull left unused: a tag that moved leaves its old digest behind. */
  private void collect() {
    try {
      int removed = store.collect(digestsInUse.get());
      if (removed > 0) {
        LOG.info("removed " + removed + " unused image roots");
      }
    } catch (RuntimeException e) {
      LOG.log(java.util.logging.Level.WARNING, "could not collect unused images", e);
    }
  }

  /** Stops the pull under way (its tool is killed) and waits for its thread to end. Blocking. */
  @Override
  public void close() {
    pulls.shutdownNow();
    try {
      if (!pulls.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warning("a pull did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
