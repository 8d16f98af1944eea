package dev.bastion.controller.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A host log file that processes Bastion does not control append to: a container's standard
 * streams, which a sandbox's sandboxd and tini write and the runtime holds open with {@code
 * O_APPEND}. Neither its size nor what sits at its path is the host's to trust, so it is used only
 * as a regular file reached without following a link, read only from its tail, and kept under a cap
 * by rotation.
 */
public final class AppendedLog {

  private final Path file;

  public AppendedLog(Path file) {
    this.file = file;
  }

  /** Where the tail of the log goes when it is rotated: {@code NAME.1}, replaced each time. */
  public Path rotated() {
    return file.resolveSibling(file.getFileName() + ".1");
  }

  /**
   * Creates the log if it is absent and checks it is a regular file, before a process is handed it
   * by path: {@link ProcessBuilder.Redirect#appendTo} follows links. Only the host writes the log's
   * directory, so nothing can swap the file between this check and that open.
   */
  public void prepare() throws IOException {
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException kept) {
      // Appended to, as a runtime's messages from an earlier start are.
    }
    requireRegularFile();
  }

  /** At most the last {@code maxBytes} bytes of the log as text; empty when there is no log. */
  public String tail(int maxBytes) throws IOException {
    try (FileChannel log = open(StandardOpenOption.READ)) {
      long size = log.size();
      ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size, maxBytes));
      long from = size - tail.capacity();
      while (tail.hasRemaining()) {
        if (log.read(tail, from + tail.position()) < 0) {
          break; // The log was cut (rotated) under the read.
        }
      }
      return new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return "";
    }
  }

  /**
   * When the log holds more than {@code cap} bytes, copies its last {@code cap} bytes to {@link
   * #rotated} and empties it. Writers that opened it with {@code O_APPEND} go on at its new end,
   * the start; what they write between the copy and the truncation is lost. Blocking (it copies up
   * to {@code cap} bytes): call it from a worker thread.
   *
   * @return whether the log was rotated
   */
  public boolean rotateOver(long cap) throws IOException {
    try (FileChannel log = open(StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = log.size();
      if (size <= cap) {
        return false;
      }
      Path rotated = rotated();
      // Replaced, never written through: a link there is removed, not followed.
      Files.deleteIfExists(rotated);
      try (FileChannel copy =
          FileChannel.open(rotated, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long from = size - cap;
        long copied = 0;
        while (copied < cap) {
          long moved = log.transferTo(from + copied, cap - copied, copy);
          if (moved <= 0) {
            break;
          }
          copied += moved;
        }
      }
      log.truncate(0);
      return true;
    } catch (NoSuchFileException absent) {
      return false;
    }
  }

  /** Opens the log as a regular file, never through a link. */
  private FileChannel open(OpenOption... options) throws IOException {
    // The check keeps a FIFO from blocking the open; NOFOLLOW_LINKS keeps a link made after it
    // from being followed.
    requireRegularFile();
    Set<OpenOption> noFollow = new HashSet<>(Arrays.asList(options));
    noFollow.add(LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, noFollow);
  }

  private void requireRegularFile() throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) {
      throw new IOException(file + " is not a regular file");
    }
  }
}
