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
import java.util.function.Supplier;

/**
 * Saves a running sandbox's memory into a {@link MemoryImage} and starts a sandbox from one, with
 * sandboxd's part of it: gVisor cannot save the listening socket sandboxd binds on a host
 * directory, so SIGUSR1 first makes sandboxd close it (it says so with a file next to it), and
 * SIGHUP after the checkpoint, or after a restore, makes it serve again (a restored copy reads its
 * own token and hostname then). Calls block: run them on a worker.
 */
final class SandboxCheckpoints {

  private static final Duration QUIESCE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration QUIESCE_POLL = Duration.ofMillis(5);

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
   * Saves container {@code name} into {@code image}, replacing what was there; it stops unless
   * {@code leaveRunning}, and when it keeps running (or the save failed) sandboxd serves again.
   *
   * @throws RuntimeFailure with the reason when it could not be saved; no image is left then
   */
  MemoryImage.Seal save(String name, MemoryImage image, boolean leaveRunning) {
    Instant began = clock.instant();
    boolean stopped = false;
    try {
      Path written = image.prepareWriting();
      quiesce(name);
      runtime.checkpoint(name, written, leaveRunning);
      stopped = !leaveRunning;
      return image.sealWritten(
          compatibility.get(), Duration.between(began, clock.instant()), began);
    } catch (IOException e) {
      image.delete();
      throw new RuntimeFailure("could not write the memory image: " + e.getMessage());
    } catch (RuntimeFailure e) {
      image.delete();
      throw e;
    } finally {
      if (!stopped) {
        serveAgain(name);
      }
    }
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
    Instant deadline = clock.instant().plus(QUIESCE_TIMEOUT);
    while (!Files.exists(ready)) {
      if (clock.instant().isAfter(deadline)) {
        throw new RuntimeFailure(
            "sandboxd did not close its socket within " + QUIESCE_TIMEOUT.toSeconds() + "s");
      }
      try {
        Thread.sleep(QUIESCE_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeFailure("interrupted while sandboxd closed its socket");
      }
    }
  }

  private void serveAgain(String name) {
    try {
      runtime.signal(name, "HUP");
    } catch (RuntimeFailure gone) {
      // The container is gone: there is nothing left to serve.
    }
  }
}
