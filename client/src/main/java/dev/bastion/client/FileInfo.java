package dev.bastion.client;

import java.time.Instant;

/**
 * A file or directory in a sandbox's {@code /workspace}.
 *
 * @param path its absolute path inside the sandbox
 * @param name its last path element
 * @param mode its permission bits, such as {@code 0644}
 * @param modifiedAt when it last changed, or null
 * @param symlinkTarget where a symbolic link points, else empty
 */
public record FileInfo(
    String path,
    String name,
    Type type,
    long size,
    int mode,
    Instant modifiedAt,
    String symlinkTarget) {

  /** What kind of file it is. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    OTHER
  }

  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }
}
