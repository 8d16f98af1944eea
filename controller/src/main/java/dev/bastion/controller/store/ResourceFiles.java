package dev.bastion.controller.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One JSON file per object, in a directory per kind: {@code <dir>/<plural>/<namespace>_<name>.json}
 * (namespaces are DNS labels, so they hold no underscore). A write goes to a temporary file that is
 * fsynced and renamed over the old one, and the directory is fsynced, so a crash at any point
 * leaves the old object or the new one, never half of one. Files are for the owner only: objects
 * carry sandboxes' environments.
 */
final class ResourceFiles {

  private static final Logger LOG = Logger.getLogger(ResourceFiles.class.getName());
  private static final String SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path root;

  ResourceFiles(Path root) {
    this.root = root;
    createPrivateDirectory(root);
  }

  /** The documents stored for {@code plural}; a corrupt file is moved aside by {@code parse}. */
  List<Path> files(String plural) {
    Path dir = root.resolve(plural);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX)) {
          // A write that a crash interrupted: the object it was replacing is still whole.
          Files.deleteIfExists(file);
        } else if (name.endsWith(SUFFIX)) {
          documents.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the store " + dir, e);
    }
    return documents;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Keeps an unreadable file aside for a person to look at rather than guess: atomic renames mean
   * it is not a torn write but a foreign or hand-edited file.
   */
  static void setAside(Path file, String why) {
    Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + file + " aside", e);
    }
    LOG.warning("store: moved unreadable " + file + " to " + aside + ": " + why);
  }

  /**
   * Replaces the object's file atomically. {@code durable}: also fsync the file and its directory
   * before returning, so the write survives a power loss. Without it, a power loss may bring back
   * the previous version; that it is still whole relies on the file system flushing a file's data
   * before a rename that replaces it (ext4's default, {@code auto_da_alloc}). Where that does not
   * hold, the file may come back empty and is set aside at load, losing the object.
   */
  void write(String plural, String namespace, String name, String json, boolean durable) {
    Path dir = root.resolve(plural);
    Path target = dir.resolve(fileName(namespace, name));
    Path temp = dir.resolve(fileName(namespace, name) + TEMP_SUFFIX);
    try {
      if (!Files.isDirectory(dir)) {
        createPrivateDirectory(dir);
        syncDirectory(root);
      }
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (durable) {
          channel.force(true);
        }
      }
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (durable) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + plural + "/" + name, e);
    }
  }

  void remove(String plural, String namespace, String name) {
    Path dir = root.resolve(plural);
    try {
      if (Files.deleteIfExists(dir.resolve(fileName(namespace, name)))) {
        syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + plural + "/" + name + " from the store", e);
    }
  }

  private static String fileName(String namespace, String name) {
    return namespace + "_" + name + SUFFIX;
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the store directory " + dir, e);
    }
  }

  /** Makes a rename durable. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
