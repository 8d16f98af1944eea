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

  private final ImageStore store;
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
    volatile String progress;
    volatile LocalImage image;
    volatile ImageFailure failure;
    volatile Instant finished;

    Pull(String progress) {
      this.progress = progress;
    }
  }

  /**
   * @param digestsInUse the digests sandboxes run now, kept by the collection after each pull
   */
  public ImagePulls(ImageStore store, Supplier<Set<String>> digestsInUse, Clock clock) {
    this.store = store;
    this.digestsInUse = digestsInUse;
    this.clock = clock;
  }

  /**
   * The image a sandbox starting now runs.
   *
   * @throws ImagePending while it is being pulled
   * @throws ImageFailure when it cannot be had, naming it and why
   */
  public LocalImage require(ImageReference reference, PullPolicy policy) {
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
    String key = reference.toString();
    Pull pull =
        byReference.compute(
            key, (k, current) -> current == null || stale(current) ? start(reference) : current);
    if (pull.finished == null) {
      throw new ImagePending(pull.progress);
    }
    if (pull.failure != null) {
      throw pull.failure;
    }
    return pull.image;
  }

  private boolean stale(Pull pull) {
    return pull.finished != null && clock.instant().isAfter(pull.finished.plus(REUSE));
  }

  private Pull start(ImageReference reference) {
    Pull pull = new Pull("waiting to pull " + reference);
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

  @Override
  public void close() {
    pulls.shutdownNow();
  }
}
