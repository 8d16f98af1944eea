package dev.bastion.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A YAML file named by {@code -f}, read whole: {@code -} is stdin.
 *
 * @param name how messages show it: the path as given, or {@code stdin}
 * @param bytes its content
 */
record ManifestFile(String name, byte[] bytes) {

  /** The largest file read: the server takes at most 1 MiB per apply, and audit reads the same. */
  static final int MAX_BYTES = 1024 * 1024;

  static final String STDIN = "-";

  /**
   * Reads {@code file}, or {@code stdin} when it is {@code -}.
   *
   * @throws CliException naming the file when it cannot be read or is over {@link #MAX_BYTES}
   */
  static ManifestFile read(String file, Supplier<InputStream> stdin) throws CliException {
    String name = STDIN.equals(file) ? "stdin" : file;
    byte[] bytes;
    try (InputStream in = STDIN.equals(file) ? stdin.get() : Files.newInputStream(Path.of(file))) {
      // One byte past the limit is enough to know the file is too large.
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + name + ": no such file");
    } catch (AccessDeniedException e) {
      throw new CliException("cannot read " + name + ": permission denied");
    } catch (IOException e) {
      throw new CliException("cannot read " + name + ": " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) {
      throw new CliException(name + " is larger than 1 MiB, the most Bastion reads from one file");
    }
    return new ManifestFile(name, bytes);
  }
}
