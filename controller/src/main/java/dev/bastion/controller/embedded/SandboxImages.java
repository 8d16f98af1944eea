package dev.bastion.controller.embedded;

import dev.bastion.controller.image.ImageFailure;
import dev.bastion.controller.image.ImagePending;
import dev.bastion.controller.image.ImagePulls;
import dev.bastion.controller.image.LocalImage;
import dev.bastion.controller.model.SandboxConditions;
import dev.bastion.controller.reconcile.PodStartException;
import dev.bastion.controller.runtime.ProcessDefaults;
import dev.bastion.controller.runtime.RunnableImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The images sandboxes run: the built-in root filesystem, or one pulled into the image store. Also
 * remembers, in each sandbox's directory, which image it runs: its status names it, and the store's
 * collection keeps every digest a sandbox still mounts.
 */
public final class SandboxImages {

  private static final String IMAGE_FILE = "image";

  private final Path builtInRoot;
  private final SandboxLayout layout;
  private final ImagePulls pulls;
  private final Clock clock;
  // When each sandbox still waiting for its image first asked: Always needs a pull begun since.
  private final Map<String, Instant> firstAsked = new ConcurrentHashMap<>();
  // What each sandbox runs, as its status names it: every pass over a ready sandbox asks, so the
  // file is read once per sandbox (after a restart) rather than on every pass.
  private final Map<String, Optional<String>> names = new ConcurrentHashMap<>();

  /**
   * @param builtInRoot the built-in Debian root filesystem
   * @param layout where sandboxes' directories are
   * @param pulls where every other image comes from
   */
  public SandboxImages(Path builtInRoot, SandboxLayout layout, ImagePulls pulls, Clock clock) {
    this.builtInRoot = builtInRoot;
    this.layout = layout;
    this.pulls = pulls;
    this.clock = clock;
  }

  /**
   * The image {@code choice} names, ready to run.
   *
   * @throws PodStartException pending while it is pulled, failed when it cannot be had
   */
  RunnableImage resolve(String id, ImageChoice choice) {
    if (choice.reference().isEmpty()) {
      return new RunnableImage(builtInRoot, ProcessDefaults.builtIn(), LocalContainer.IMAGE, "");
    }
    Instant since = firstAsked.computeIfAbsent(id, key -> clock.instant());
    try {
      LocalImage image = pulls.require(choice.reference().get(), choice.policy(), since);
      firstAsked.remove(id);
      return new RunnableImage(image.rootfs(), image.defaults(), image.pinned(), image.digest());
    } catch (ImagePending e) {
      throw PodStartException.pending(SandboxConditions.IMAGE_PULLING, e.getMessage());
    } catch (ImageFailure e) {
      firstAsked.remove(id);
      throw PodStartException.failed(SandboxConditions.IMAGE_PULL_FAILED, e.getMessage());
    }
  }

  /** Forgets a sandbox that went, perhaps while it waited for its image. */
  void forget(String id) {
    firstAsked.remove(id);
    names.remove(id);
  }

  /** Records that sandbox {@code id} runs {@code image}. */
  void record(String id, RunnableImage image) throws IOException {
    Files.writeString(
        layout.dir(id).resolve(IMAGE_FILE),
        image.name() + "\n" + image.digest() + "\n",
        StandardCharsets.UTF_8);
    names.put(id, Optional.of(image.name()));
  }

  /** The image sandbox {@code id} runs, as its status shows it. */
  Optional<String> nameOf(String id) {
    return names.computeIfAbsent(id, key -> line(layout.dir(key), 0));
  }

  /** The digests that the sandboxes' directories in {@code layout} say they run. */
  public static Set<String> digestsInUse(SandboxLayout layout) {
    Set<String> digests = new HashSet<>();
    if (!Files.isDirectory(layout.sandboxesDir())) {
      return digests;
    }
    try (Stream<Path> dirs = Files.list(layout.sandboxesDir())) {
      dirs.forEach(dir -> line(dir, 1).filter(d -> !d.isEmpty()).ifPresent(digests::add));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the sandboxes' images", e);
    }
    return digests;
  }

  private static Optional<String> line(Path dir, int index) {
    try {
      var lines = Files.readAllLines(dir.resolve(IMAGE_FILE), StandardCharsets.UTF_8);
      return index < lines.size() ? Optional.of(lines.get(index)) : Optional.empty();
    } catch (IOException absent) {
      return Optional.empty();
    }
  }
}
