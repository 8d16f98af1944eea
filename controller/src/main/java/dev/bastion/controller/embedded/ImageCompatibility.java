package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.ContainerRuntime;
import dev.bastion.controller.runtime.FileDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What a memory image depends on besides its sandbox: the runtime's release (gVisor's image format
 * changes between releases), the sandboxd jar (its classes are in the saved JVM's memory, its file
 * is mapped) and sandboxd's runtime (named by the digest of its recipe). An image made under other
 * ones is never restored. Worked out once, on first use: it hashes the jar.
 */
final class ImageCompatibility implements Supplier<String> {

  private final ContainerRuntime runtime;
  private final SandboxSoftware software;
  private String value;

  ImageCompatibility(ContainerRuntime runtime, SandboxSoftware software) {
    this.runtime = runtime;
    this.software = software;
  }

  @Override
  public synchronized String get() {
    if (value == null) {
      value =
          runtime.kind().binary()
              + " "
              + runtime.version()
              + ", sandboxd "
              + shortDigest(software.sandboxdJar())
              + ", runtime "
              + software.sandboxdRuntime().getFileName();
    }
    return value;
  }

  private static String shortDigest(Path file) {
    try {
      return FileDigest.sha256(file).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sandboxd jar " + file, e);
    }
  }
}
