package dev.bastion.controller.image;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An image archive to load: what {@code docker save} writes (a {@code manifest.json} naming the
 * image in {@code RepoTags}) or an OCI archive (an {@code oci-layout} and an {@code index.json}
 * naming it in a {@code ref.name} annotation). Its small index files are read with tar; the layers
 * are skopeo's to read.
 *
 * @param file the archive
 * @param oci whether it is an OCI archive rather than a Docker one
 * @param name the image name it carries, if it carries a full one
 */
public record ImageArchive(Path file, boolean oci, Optional<String> name) {

  private static final int MAX_INDEX_BYTES = 1 << 20;

  /**
   * Reads what kind of archive {@code file} is and the name it carries.
   *
   * @throws ImageFailure when it is neither kind
   */
  public static ImageArchive open(Path file) {
    Optional<String> dockerManifest = member(file, "manifest.json");
    if (dockerManifest.isPresent()) {
      return new ImageArchive(file, false, dockerName(dockerManifest.get()));
    }
    Optional<String> ociIndex = member(file, "index.json");
    if (ociIndex.isPresent() && member(file, "oci-layout").isPresent()) {
      return new ImageArchive(file, true, ociName(ociIndex.get()));
    }
    throw new ImageFailure(
        file.getFileName() + " is neither an archive from docker save nor an OCI archive");
  }

  private static Optional<String> dockerName(String manifest) {
    try {
      JsonArray images = new JsonArray(manifest);
      if (images.isEmpty()) {
        return Optional.empty();
      }
      JsonArray tags = images.getJsonObject(0).getJsonArray("RepoTags", new JsonArray());
      return tags.isEmpty() ? Optional.empty() : Optional.of(tags.getString(0));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> ociName(String index) {
    try {
      JsonArray manifests = new JsonObject(index).getJsonArray("manifests", new JsonArray());
      if (manifests.isEmpty()) {
        return Optional.empty();
      }
      JsonObject annotations =
          manifests.getJsonObject(0).getJsonObject("annotations", new JsonObject());
      // skopeo and buildah put a full reference there; some tools put only a tag, which is no name.
      return Optional.ofNullable(annotations.getString("org.opencontainers.image.ref.name"))
          .filter(name -> name.contains("/") || name.contains(":"));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** Member {@code name} of the archive, when it has one no larger than an index can be. */
  private static Optional<String> member(Path file, String name) {
    try {
      Process tar =
          new ProcessBuilder(List.of("tar", "-xOf", file.toAbsolutePath().toString(), name))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] content;
      try (InputStream out = tar.getInputStream()) {
        content = out.readNBytes(MAX_INDEX_BYTES + 1);
      }
      tar.destroy();
      int code = tar.waitFor();
      if (code != 0 || content.length > MAX_INDEX_BYTES) {
        return Optional.empty();
      }
      return Optional.of(new String(content, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ImageFailure("cannot read " + file.getFileName() + " with tar: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageFailure("interrupted while reading " + file.getFileName());
    }
  }
}
