package dev.bastion.loadtest.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A server cache directory whose image store starts empty, for a test or benchmark that measures or
 * checks pulls, with the shared root filesystem and sandboxd runtime linked in: they take minutes
 * to build, and are the same for every server on the machine.
 */
public final class OwnImageCache {

  private OwnImageCache() {}

  /** Makes {@code cache} share {@code shared}'s root filesystem and runtime; returns it. */
  public static Path create(Path cache, Path shared) throws IOException {
    Files.createDirectories(cache);
    for (String part : List.of("rootfs", "sandboxd-runtime")) {
      Files.createDirectories(shared.resolve(part));
      Files.createSymbolicLink(cache.resolve(part), shared.resolve(part));
    }
    return cache;
  }
}
