package dev.bastion.controller.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
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
 * One JSON file per record. A write goes to a temporary file that is fsynced and then renamed over
 * the old one (and the directory fsynced), so a crash at any point leaves the old record or the new
 * one. Files are readable by the owner only: records hold the sandbox's environment.
 */
public final class FileSandboxStore implements SandboxStore {

  private static final Logger LOG = Logger.getLogger(FileSandboxStore.class.getName());
  private static final String SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path dir;

  public FileSandboxStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the store directory " + dir, e);
    }
  }

  @Override
  public List<SandboxRecord> loadAll() {
    List<SandboxRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(TEMP_SUFFIX)) {
          // A write that a crash interrupted: the record it was replacing is still whole.
          Files.deleteIfExists(file);
        } else if (name.endsWith(SUFFIX)) {
          read(file, records);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the store " + dir, e);
    }
    return records;
  }

  private static void read(Path file, List<SandboxRecord> into) throws IOException {
    try {
      into.add(SandboxRecord.fromJson(new JsonObject(Files.readString(file))));
    } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
      // Atomic renames mean this is not a torn write but a foreign or hand-edited file: keep it
      // aside for a person to look at rather than guess.
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      LOG.warning("store: moved unreadable record " + file + " to " + aside);
    }
  }

  @Override
  public void put(SandboxRecord record) {
    Path target = dir.resolve(record.id() + SUFFIX);
    Path temp = dir.resolve(record.id() + SUFFIX + TEMP_SUFFIX);
    byte[] bytes = record.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8);
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store sandbox " + record.id(), e);
    }
  }

  @Override
  public void remove(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + SUFFIX));
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove sandbox " + id + " from the store", e);
    }
  }

  /** Makes the rename itself durable. */
  private void syncDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
