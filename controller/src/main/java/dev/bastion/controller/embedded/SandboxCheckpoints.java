package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.RuntimeFailure;
import dev.bastion.controller.runtime.SandboxPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Saves a running sandbox's memory into a {@link MemoryImage} and starts a sandbox from one, with
 * sandboxd's part of it: gVisor cannot save the listening socket sandboxd binds on a host
 * directory, so SIGUSR1 first makes sandboxd close it (it says so with a file next to it), and
 * SIGHUP after the checkpoint, or after a restore, makes it serve again (a restored copy reads its
 * own token and hostname then). Calls block: run them on a worker.
 */
final class SandboxCheckpoints {

  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration HANDSHAKE_POLL = Duration.ofMillis(5);

  private final ContainerRuntime runtime;
  private final SandboxLayout layout;
  private final Supplier<String> compatibility;
  private final Clock clock;

  /**
   * @param compatibility names what makes images (runtime release, sandboxd build), asked once when
   *     first needed
   */
  SandboxCheckpoints(
      ContainerRuntime runtime, SandboxLayout layout, Supplier<String> compatibility, Clock clock) {
    this.runtime = runtime;
    this.layout = layout;
    this.compatibility = compatibility;
    this.clock = clock;
  }

  String compatibility() {
    return compatibility.get();
  }

  /**
   * Saves container {@code name} into {@code image}, replacing what was there, and stops it (a
   * suspend). If the save fails the sandbox serves on.
   *
   * @throws RuntimeFailure with the reason when it could not be saved; no image is left then
   */
  MemoryImage.Seal saveAndStop(String name, MemoryImage image) {
    return save(name, image, null);
  }

  /**
   * Saves container {@code name} into {@code image} and lets it run on (a snapshot). It stays
   * paused from before the checkpoint until {@code whilePaused} has run, so what that copies (the
   * workspace) is what the saved processes last saw.
   *
   * @throws RuntimeFailure with the reason when it could not be saved; no image is left then
   */
  MemoryImage.Seal saveRunning(String name, MemoryImage image, WhilePaused whilePaused) {
    return save(name, image, whilePaused);
  }

  private MemoryImage.Seal save(String name, MemoryImage image, WhilePaused whilePaused) {
    Instant began = clock.instant();
    boolean stopped = false;
    boolean paused = false;
    try {
      Path written = image.prepareWriting();
      quiesce(name);
      if (whilePaused != null) {
        runtime.pause(name);
        paused = true;
      }
      runtime.checkpoint(name, written, whilePaused != null);
      stopped = whilePaused == null;
      if (whilePaused != null) {
        whilePaused.run();
      }
      return image.sealWritten(
          compatibility.get(), Duration.between(began, clock.instant()), began);
    } catch (IOException e) {
      image.delete();
      throw new RuntimeFailure("could not write the memory image: " + e.getMessage());
    } catch (RuntimeFailure e) {
      image.delete();
      throw e;
    } finally {
      if (paused) {
        runtime.resume(name);
      }
      if (!stopped) {
        serveAgain(name);
      }
    }
  }

  /** What runs while a sandbox is paused for a snapshot. */
  @FunctionalInterface
  interface WhilePaused {
    void run() throws IOException;
  }

  /**
   * Starts container {@code name} from its bundle (made already) and {@code image}, and has its
   * sandboxd serve with the sandbox's own token and hostname.
   *
   * @throws MemoryImage.Unusable when the image must not be restored, saying why
   * @throws RuntimeFailure when runsc could not restore it
   */
  void restore(String name, MemoryImage image) {
    image.verify(compatibility.get());
    runtime.restore(name, layout.bundle(name), image.dir(), layout.log(name));
    runtime.signal(name, "HUP");
  }

  private void quiesce(String name) throws IOException {
    Path ready = layout.socketDir(name).resolve(SandboxPaths.QUIESCED_NAME);
    Files.deleteIfExists(ready);
    runtime.signal(name, "USR1");
    awaitOrFail(() -> Files.exists(ready), "sandboxd did not close its socket");
  }

  /**
   * Has sandboxd of a sandbox that runs on serve again, and waits until it does: the sandbox is
   * READY to callers throughout.
   */
  private void serveAgain(String name) {
    try {
      runtime.signal(name, "HUP");
      awaitOrFail(
          () -> SandboxdSocket.accepts(layout.socket(name)), "sandboxd did not serve again");
    } catch (RuntimeFailure e) {
      // Gone, or not answering: the container's observations report it.
    }
  }

  private void awaitOrFail(BooleanSupplier condition, String failure) {
    Instant deadline = clock.instant().plus(HANDSHAKE_TIMEOUT);
    while (!condition.getAsBoolean()) {
      if (clock.instant().isAfter(deadline)) {
        throw new RuntimeFailure(failure + " within " + HANDSHAKE_TIMEOUT.toSeconds() + "s");
      }
      try {
        Thread.sleep(HANDSHAKE_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeFailure("interrupted: " + failure);
      }
    }
  }
}
