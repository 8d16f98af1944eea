package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.controller.runtime.RuntimeFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Restore instead of boot: the first sandbox of a kind that boots and answers is saved, before
 * anything is asked of it, as that kind's boot image; later sandboxes of the kind (cold creates,
 * pool refills) are restored from it and then take their own identity — sandboxd reads their token
 * and sets their hostname when it serves again, and their workspace, socket directory and cgroup
 * are their own bundle's. A kind is everything in the bundle but the sandbox's name, hostname and
 * directories (image, limits, environment, sandboxd's flags), with the runtime and sandboxd build
 * ({@link ImageCompatibility}): an image of another kind is never used, and one that fails to
 * restore is dropped and the sandbox boots. Images live in {@code boot-images/<kind>/}.
 */
final class BootImages {

  private static final Logger LOG = Logger.getLogger(BootImages.class.getName());

  private final Path dir;
  private final SandboxLayout layout;
  private final SandboxCheckpoints checkpoints;
  private final MemoryImageMetrics metrics;
  private final Clock clock;
  // Sandboxes that booted while their kind had no image, by name: the first to answer is saved.
  private final Map<String, String> bootedWithout = new ConcurrentHashMap<>();
  private final Set<String> kindsBeingSaved = ConcurrentHashMap.newKeySet();

  BootImages(
      Path dir,
      SandboxLayout layout,
      SandboxCheckpoints checkpoints,
      MemoryImageMetrics metrics,
      Clock clock) {
    this.dir = dir;
    this.layout = layout;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Starts container {@code name} (its bundle made) from its kind's boot image; false when there is
   * none or it could not be used, and the caller boots it.
   */
  boolean restore(String name, String hostname) {
    String kind = kindOf(name, hostname);
    MemoryImage image = new MemoryImage(dir.resolve(kind));
    if (!image.exists()) {
      bootedWithout.put(name, kind);
      return false;
    }
    Instant began = clock.instant();
    try {
      checkpoints.restore(name, image);
      metrics.restored("boot", Duration.between(began, clock.instant()));
      return true;
    } catch (MemoryImage.Unusable | RuntimeFailure e) {
      LOG.warning("dropping the boot image of " + name + "'s kind: " + e.getMessage());
      image.delete();
      bootedWithout.put(name, kind);
      return false;
    }
  }

  /**
   * Called once sandbox {@code name} first answers: if it booted while its kind had no image, it is
   * saved now, before it is reported ready (it never ran anything of an agent's), and runs on. A
   * save that fails is only logged: the next such sandbox tries again.
   */
  void answered(String name) {
    String kind = bootedWithout.remove(name);
    if (kind == null || !kindsBeingSaved.add(kind)) {
      return;
    }
    try {
      MemoryImage image = new MemoryImage(dir.resolve(kind));
      if (!image.exists()) {
        MemoryImage.Seal seal = checkpoints.saveRunning(name, image, () -> {});
        metrics.saved("boot", seal);
        LOG.info("saved a boot image from sandbox " + name + ": " + seal.bytes() + " bytes");
      }
    } catch (RuntimeFailure e) {
      LOG.warning("could not save a boot image from sandbox " + name + ": " + e.getMessage());
    } finally {
      kindsBeingSaved.remove(kind);
    }
  }

  /** Forgets a sandbox that went before it answered. */
  void forget(String name) {
    bootedWithout.remove(name);
  }

  /**
   * Removes boot images made by another runtime release or sandboxd build, and the remains of
   * unfinished ones: none of them will be used again.
   */
  void recover() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> kinds = Files.list(dir)) {
      for (Path kind : kinds.toList()) {
        MemoryImage image = new MemoryImage(kind);
        if (!image.exists() || !compatible(image)) {
          FileTrees.delete(kind);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover the boot images", e);
    }
  }

  private boolean compatible(MemoryImage image) {
    try {
      return image.seal().compatibility().equals(checkpoints.compatibility());
    } catch (MemoryImage.Unusable damaged) {
      return false;
    }
  }

  /**
   * The kind of sandbox {@code name}: a digest of its bundle's config with its own name, hostname
   * and directories taken out, and of what makes images.
   */
  private String kindOf(String name, String hostname) {
    try {
      String config =
          Files.readString(layout.bundle(name).resolve("config.json"), StandardCharsets.UTF_8)
              .replace(name, "{name}")
              .replace(hostname, "{hostname}");
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (checkpoints.compatibility() + "\n" + config).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundle of " + name, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
