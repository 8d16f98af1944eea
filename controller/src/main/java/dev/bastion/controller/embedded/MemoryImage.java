package dev.bastion.controller.embedded;

import dev.bastion.controller.runtime.FileDigest;
import dev.bastion.controller.runtime.FileTrees;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sandbox's memory and processes on disk: the directory runsc's checkpoint wrote, and a seal
 * beside its files that names what made it (runtime release, sandboxd build) and each file's digest
 * and size. The seal is written last and the directory then renamed into place, so an image either
 * has a seal or is the remains of a crash; and a restore only starts from files whose digests still
 * match, so nothing is ever restored from half an image.
 */
public final class MemoryImage {

  static final String SEAL = "bastion-seal.json";
  private static final int MAX_SEAL_BYTES = 64 * 1024;

  private final Path dir;

  public MemoryImage(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Whether a sealed image is there (it may still be unusable: see {@link #verify}). */
  public boolean exists() {
    return Files.isRegularFile(dir.resolve(SEAL), LinkOption.NOFOLLOW_LINKS);
  }

  /** What the seal says; the image must exist. */
  public Seal seal() {
    try {
      if (Files.size(dir.resolve(SEAL)) > MAX_SEAL_BYTES) {
        throw new Unusable("has a damaged seal");
      }
      return Seal.fromJson(
          new JsonObject(Files.readString(dir.resolve(SEAL), StandardCharsets.UTF_8)));
    } catch (IOException | DecodeException | ClassCastException | NullPointerException e) {
      throw new Unusable("has a damaged seal");
    }
  }

  /**
   * Checks that the image was made by {@code compatibility} and that every file is as it was
   * sealed; returns the seal.
   *
   * @throws Unusable saying why not
   */
  public Seal verify(String compatibility) {
    if (!exists()) {
      throw new Unusable("is missing");
    }
    Seal seal = seal();
    if (!seal.compatibility().equals(compatibility)) {
      throw new Incompatible("was made by " + seal.compatibility() + ", not " + compatibility);
    }
    Map<String, String> found = digests(dir);
    if (!found.equals(seal.files())) {
      throw new Unusable("does not hold the files that were saved (damaged or incomplete)");
    }
    return seal;
  }

  /** Removes the image and any remains of one being made. */
  public void delete() {
    try {
      FileTrees.delete(dir);
      FileTrees.delete(partial());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the memory image " + dir, e);
    }
  }

  /** The directory an image is written into before it is sealed; emptied first. */
  Path prepareWriting() throws IOException {
    Path partial = partial();
    FileTrees.delete(partial);
    Files.createDirectories(partial.getParent());
    // The sandbox's memory holds its secrets (sandboxd's token among them): the host's root only.
    Files.createDirectory(
        partial,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return partial;
  }

  /**
   * Seals what runsc wrote into {@link #prepareWriting}'s directory and moves it into place,
   * replacing any earlier image.
   */
  Seal sealWritten(String compatibility, Duration took, Instant at) throws IOException {
    Path partial = partial();
    Map<String, String> files = digests(partial);
    long bytes = 0;
    for (String name : files.keySet()) {
      bytes += Files.size(partial.resolve(name));
    }
    Seal seal = new Seal(compatibility, files, bytes, took.toMillis(), at.toString());
    Files.writeString(partial.resolve(SEAL), seal.toJson().encode(), StandardCharsets.UTF_8);
    FileTrees.delete(dir);
    Files.createDirectories(dir.getParent());
    Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    return seal;
  }

  private Path partial() {
    return dir.resolveSibling(dir.getFileName() + ".partial");
  }

  /**
   * The SHA-256 of every regular file but the seal; anything else there makes the image damaged.
   */
  private static Map<String, String> digests(Path dir) {
    Map<String, String> digests = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.equals(SEAL)) {
          continue;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          throw new Unusable("holds " + name + ", which is not a file");
        }
        digests.put(name, FileDigest.sha256(file));
      }
    } catch (IOException e) {
      throw new Unusable("cannot be read");
    }
    return digests;
  }

  /**
   * What an image's seal records.
   *
   * @param compatibility what made the image: a restore by anything else is refused
   * @param files each file's SHA-256, by name
   * @param bytes the image's size on disk
   * @param savedMillis how long the checkpoint took
   * @param savedAt when it was made, ISO-8601
   */
  public record Seal(
      String compatibility,
      Map<String, String> files,
      long bytes,
      long savedMillis,
      String savedAt) {

    JsonObject toJson() {
      return new JsonObject()
          .put("compatibility", compatibility)
          .put("files", new JsonObject(Map.copyOf(files)))
          .put("bytes", bytes)
          .put("savedMillis", savedMillis)
          .put("savedAt", savedAt);
    }

    static Seal fromJson(JsonObject json) {
      Map<String, String> files = new TreeMap<>();
      json.getJsonObject("files").forEach(e -> files.put(e.getKey(), (String) e.getValue()));
      return new Seal(
          json.getString("compatibility"),
          files,
          json.getLong("bytes"),
          json.getLong("savedMillis"),
          json.getString("savedAt"));
    }
  }

  /** The image cannot be restored: damaged, incomplete or missing. */
  public static class Unusable extends RuntimeException {
    Unusable(String why) {
      super(why);
    }
  }

  /**
   * The image is intact but was made by another runtime release or sandboxd build, which must not
   * restore it: the sandbox boots instead.
   */
  public static final class Incompatible extends Unusable {
    Incompatible(String why) {
      super(why);
    }
  }
}
