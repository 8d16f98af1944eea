package dev.bastion.controller.image;

import dev.bastion.controller.runtime.FileTrees;
import dev.bastion.controller.runtime.HostCommand;
import dev.bastion.controller.runtime.ProcessDefaults;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The images embedded mode runs, on the host's disk. skopeo copies them into one OCI layout, where
 * blobs are kept by digest and shared between images; umoci unpacks each manifest once into a root
 * filesystem that every sandbox of that digest mounts read-only. A root appears under its final
 * name only once it is whole and checked, so a pull that fails or is cut short leaves nothing a
 * sandbox could use. Writers (this server, {@code bastion image load}) take the store's lock, in
 * this process and across processes. Blocking: call from worker threads.
 */
public final class ImageStore implements ImageSource {

  private static final Logger LOG = Logger.getLogger(ImageStore.class.getName());
  private static final long MAX_JSON_BYTES = 4L << 20;
  private static final String PARTIAL = ".partial";

  private final Path dir;
  private final PullRules access;
  private final ReentrantLock writers = new ReentrantLock();
  // A digest's configuration never changes: parsed once, not on every sandbox start.
  private final Map<String, ProcessDefaults> defaultsByDigest = new ConcurrentHashMap<>();

  /**
   * @param dir the store's directory, e.g. ~/.cache/bastion/images
   * @param access which registries, how, with what credentials
   */
  public ImageStore(Path dir, PullRules access) {
    this.dir = dir;
    this.access = access;
  }

  /** What must stay free on the store's disk, whatever one image may take. */
  static final long RESERVE_BYTES = 1L << 30;

  private DiskGuard guard(String what) {
    return new DiskGuard(what, dir, access.maxImageBytes(), RESERVE_BYTES);
  }

  private Path layout() {
    return dir.resolve("layout");
  }

  private Path roots() {
    return dir.resolve("roots");
  }

  private Path root(String digest) {
    return roots().resolve(hex(digest));
  }

  /** The image kept for {@code reference}, unpacked; empty when it was never pulled or loaded. */
  @Override
  public Optional<LocalImage> local(ImageReference reference) {
    return tag(reference.layoutName())
        .filter(tag -> Files.isDirectory(root(tag.digest())))
        .map(tag -> image(reference, tag.digest()));
  }

  /**
   * Fetches {@code reference} from its registry (only the blobs the store lacks) and unpacks it.
   *
   * @param progress receives one line per step
   * @throws ImageFailure naming the image and why it could not be pulled or run
   */
  @Override
  public LocalImage pull(ImageReference reference, Consumer<String> progress) {
    access.check(reference);
    progress.accept("pulling " + reference);
    List<String> options = new ArrayList<>(access.sourceOptions(reference));
    options.add(reference.dockerTransport());
    return copyIn(
        reference,
        options,
        progress,
        failed -> {
          LOG.info("skopeo could not pull " + reference + ": " + failed.output());
          return PullErrors.describe(reference, failed);
        });
  }

  /**
   * Imports an archive made by {@code docker save}, or an OCI archive, as {@code reference}.
   *
   * @throws ImageFailure when the archive cannot be read or its image cannot run
   */
  public LocalImage load(
      ImageArchive archive, ImageReference reference, Consumer<String> progress) {
    progress.accept("loading " + reference + " from " + archive.file());
    String source =
        (archive.oci() ? "oci-archive:" : "docker-archive:") + archive.file().toAbsolutePath();
    return copyIn(
        reference,
        List.of(source),
        progress,
        failed ->
            new ImageFailure(
                "could not load " + archive.file().getFileName() + ": " + failed.lastLine()));
  }

  /**
   * Copies an image into the layout with skopeo ({@code source} is its options and source
   * reference) and unpacks it.
   */
  private LocalImage copyIn(
      ImageReference reference,
      List<String> source,
      Consumer<String> progress,
      java.util.function.Function<ImageTool.Result, ImageFailure> failure) {
    return locked(
        () -> {
          Path digestFile = Files.createTempFile(dir, "digest", ".txt");
          try {
            List<String> argv = new ArrayList<>(List.of("skopeo", "--command-timeout=30m", "copy"));
            argv.add("--digestfile=" + digestFile);
            argv.addAll(source);
            argv.add("oci:" + layout() + ":" + reference.layoutName());
            ImageTool.Result result =
                ImageTool.run(
                    argv, guard("image " + reference), new PullProgress(reference, progress));
            if (!result.ok()) {
              throw failure.apply(result);
            }
            String digest = Files.readString(digestFile, StandardCharsets.UTF_8).strip();
            return unpack(reference, digest, progress);
          } finally {
            Files.deleteIfExists(digestFile);
          }
        });
  }

  /**
   * Removes what no tag points to and no sandbox uses: unpacked roots, then the blobs only they
   * needed. A root that a running sandbox mounts stays whatever its tag now says.
   *
   * @param inUse the digests sandboxes run
   * @return how many roots were removed
   */
  @Override
  public int collect(Set<String> inUse) {
    return locked(
        () -> {
          Set<String> keep = new HashSet<>(inUse);
          tags().forEach(tag -> keep.add(tag.digest()));
          int removed = 0;
          if (!Files.isDirectory(roots())) {
            return 0;
          }
          try (Stream<Path> entries = Files.list(roots())) {
            for (Path entry : entries.toList()) {
              String name = entry.getFileName().toString();
              boolean partial = name.endsWith(PARTIAL);
              if (partial || !keep.contains("sha256:" + name)) {
                FileTrees.delete(entry);
                removed += partial ? 0 : 1;
              }
            }
          }
          if (Files.isDirectory(layout())) {
            // gc only deletes, so it needs no disk guard: the host's plain command runner will do.
            HostCommand.Result gc =
                HostCommand.run(
                    List.of("umoci", "gc", "--layout", layout().toString()),
                    Duration.ofMinutes(10));
            if (!gc.ok()) {
              throw new ImageFailure("umoci could not collect unused blobs: " + gc.lastLine());
            }
          }
          return removed;
        });
  }

  /** The images kept, by the reference they were pulled or loaded as. */
  public Map<String, String> list() {
    Map<String, String> images = new TreeMap<>();
    try {
      tags().forEach(tag -> images.put(tag.reference(), tag.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the image store", e);
    }
    return images;
  }

  private LocalImage unpack(ImageReference reference, String digest, Consumer<String> progress)
      throws IOException {
    if (!digest.matches("sha256:[a-f0-9]{64}")) {
      throw new ImageFailure("image " + reference + " has a digest that is not sha256");
    }
    Path root = root(digest);
    if (Files.isDirectory(root)) {
      writeTag(reference, digest);
      return image(reference, digest);
    }
    ProcessDefaults defaults = defaults(reference, digest);
    Path partial = root.resolveSibling(root.getFileName() + PARTIAL);
    FileTrees.delete(partial);
    Files.createDirectories(roots());
    progress.accept("unpacking " + reference + " (" + digest + ")");
    try {
      ImageTool.Result result =
          ImageTool.run(
              List.of(
                  "umoci",
                  "unpack",
                  "--image",
                  layout() + ":" + reference.layoutName(),
                  partial.toString()),
              guard("image " + reference),
              line -> {});
      if (!result.ok()) {
        String cause =
            PullErrors.diskFull(result.output())
                ? "the image store's disk is full"
                : "umoci failed";
        LOG.info("umoci could not unpack " + reference + ": " + result.output());
        throw new ImageFailure("could not unpack image " + reference + ": " + cause);
      }
      new UnpackedRoot(reference.toString(), partial.resolve("rootfs")).prepare(defaults);
      Files.move(partial, root, StandardCopyOption.ATOMIC_MOVE);
      writeTag(reference, digest);
    } finally {
      FileTrees.delete(partial);
    }
    progress.accept("image " + reference + " is ready (" + digest + ")");
    return new LocalImage(reference, digest, root.resolve("rootfs"), defaults);
  }

  private LocalImage image(ImageReference reference, String digest) {
    return new LocalImage(
        reference, digest, root(digest).resolve("rootfs"), defaults(reference, digest));
  }

  /** The Env, WorkingDir and User of manifest {@code digest}. */
  private ProcessDefaults defaults(ImageReference reference, String digest) {
    return defaultsByDigest.computeIfAbsent(
        digest,
        key -> {
          try {
            return ImageConfig.parse(reference.toString(), configOf(reference, key));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration of " + reference, e);
          }
        });
  }

  /** The image configuration of manifest {@code digest}, from the layout's blobs. */
  private String configOf(ImageReference reference, String digest) throws IOException {
    JsonObject manifest = json(reference, blob(digest));
    JsonObject config = manifest.getJsonObject("config");
    if (config == null
        || !(config.getValue("digest") instanceof String configDigest)
        || !configDigest.matches("sha256:[a-f0-9]{64}")) {
      throw new ImageFailure("image " + reference + " has a manifest without a configuration");
    }
    return read(blob(configDigest));
  }

  private Path blob(String digest) {
    return layout().resolve("blobs").resolve("sha256").resolve(hex(digest));
  }

  /** What {@code layoutName} was last pulled or loaded as, and its digest. */
  private record Tag(String reference, String digest) {}

  private Optional<Tag> tag(String layoutName) {
    try {
      List<String> lines = Files.readAllLines(names().resolve(layoutName), StandardCharsets.UTF_8);
      return lines.size() == 2
          ? Optional.of(new Tag(lines.get(0), lines.get(1)))
          : Optional.empty();
    } catch (IOException noTag) {
      return Optional.empty();
    }
  }

  private List<Tag> tags() throws IOException {
    if (!Files.isDirectory(names())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(names())) {
      return files.map(f -> tag(f.getFileName().toString())).flatMap(Optional::stream).toList();
    }
  }

  /**
   * Records that {@code reference} now names {@code digest}, atomically: a reader sees the old tag
   * or the new one, and only once the root is whole.
   */
  private void writeTag(ImageReference reference, String digest) throws IOException {
    Files.createDirectories(names());
    Path temporary = Files.createTempFile(names(), "tag", ".tmp");
    Files.writeString(temporary, reference + "\n" + digest + "\n", StandardCharsets.UTF_8);
    Files.move(temporary, names().resolve(reference.layoutName()), StandardCopyOption.ATOMIC_MOVE);
  }

  private Path names() {
    return dir.resolve("names");
  }

  private JsonObject json(ImageReference reference, Path file) throws IOException {
    try {
      return new JsonObject(read(file));
    } catch (DecodeException e) {
      throw new ImageFailure("image " + reference + " has a manifest that is not valid JSON");
    }
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes((int) MAX_JSON_BYTES + 1);
      if (content.length > MAX_JSON_BYTES) {
        throw new ImageFailure("an image document is larger than " + MAX_JSON_BYTES + " bytes");
      }
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  /** Work that writes the store: one writer at a time, in this JVM and across processes. */
  private interface StoreWork<T> {
    T run() throws IOException;
  }

  private <T> T locked(StoreWork<T> work) {
    writers.lock();
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = channel.lock()) {
        return work.run();
      }
    } catch (IOException e) {
      String cause =
          PullErrors.diskFull(String.valueOf(e.getMessage()))
              ? "its disk is full"
              : e.getClass().getSimpleName();
      throw new ImageFailure("the image store cannot be written: " + cause);
    } finally {
      writers.unlock();
    }
  }
}
