package dev.bastion.controller.image;

import dev.bastion.controller.runtime.ProcessDefaults;
import dev.bastion.controller.runtime.SandboxPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Makes a freshly unpacked image root ready to be shared read-only by sandboxes, or refuses it. The
 * root is the image author's: every path in it is resolved inside it, never through a link to the
 * host, and nothing is created where a link stands.
 */
final class UnpackedRoot {

  /** Where a sandbox mounts something: they must be real directories for a read-only root. */
  static final List<String> MOUNT_POINTS =
      List.of(
          "/proc",
          "/dev",
          "/sys",
          "/tmp",
          SandboxPaths.WORKSPACE,
          SandboxPaths.SOCKET_DIR,
          SandboxPaths.SANDBOXD_DIR);

  static final String LOADER = "/lib64/ld-linux-x86-64.so.2";
  static final List<String> LIBC_DIRS =
      List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64");

  /** The oldest glibc that sandboxd's tools (util-linux of Debian 12) run on. */
  static final String GLIBC_VERSION = "GLIBC_2.34";

  private static final int MAX_LINKS = 40;
  private static final long MAX_LIBC_BYTES = 32L << 20;

  private final String image;
  private final Path root;

  UnpackedRoot(String image, Path root) {
    this.image = image;
    this.root = root;
  }

  /**
   * Checks that sandboxd can run in the root and adds the directories it needs.
   *
   * @throws ImageFailure naming the image and why it cannot run
   */
  void prepare(ProcessDefaults config) throws IOException {
    requireGlibc();
    neutralizeSpecialFiles();
    for (String mountPoint : MOUNT_POINTS) {
      if (!createDirectories(mountPoint)) {
        throw new ImageFailure(
            "image " + image + " has a link or a file where a sandbox mounts " + mountPoint);
      }
    }
    // Docker creates a missing WorkingDir too; one under a link is the sandbox's to resolve.
    if (config.workingDir().isPresent()) {
      createDirectories(config.workingDir().get());
    }
  }

  /**
   * Removes device nodes and clears set-user-ID and set-group-ID bits. umoci, running as root,
   * makes whatever the layers say; a node for the host's disk, mode 0666, would be the disk itself
   * to a sandbox whose runtime shares the host kernel (crun), and a set-user-ID file is one more
   * thing a host user could run. Every sandbox gets its own /dev, and its processes run with
   * no_new_privs, so neither is anything an image needs here.
   */
  private void neutralizeSpecialFiles() throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isSymbolicLink()) {
              return FileVisitResult.CONTINUE;
            }
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int type = mode & S_IFMT;
            if (type == S_IFCHR || type == S_IFBLK) {
              Files.delete(file);
            } else if (attributes.isRegularFile() && (mode & SET_ID_BITS) != 0) {
              // chmod with the permission bits alone clears both.
              Files.setPosixFilePermissions(
                  file, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int SET_ID_BITS = 06000;

  private void requireGlibc() throws IOException {
    boolean loader = resolve(LOADER).filter(Files::isRegularFile).isPresent();
    Optional<Path> libc = Optional.empty();
    for (String dir : LIBC_DIRS) {
      libc = resolve(dir + "/libc.so.6").filter(Files::isRegularFile);
      if (libc.isPresent()) {
        break;
      }
    }
    if (!loader || libc.isEmpty()) {
      throw new ImageFailure(
          "image "
              + image
              + " has no glibc ("
              + LOADER
              + " and libc.so.6): sandboxd needs glibc "
              + "2.34 or newer, so musl-based images such as Alpine cannot run");
    }
    if (!contains(libc.get(), GLIBC_VERSION.getBytes(StandardCharsets.US_ASCII))) {
      throw new ImageFailure(
          "image " + image + " has a glibc older than 2.34, which sandboxd's tools need");
    }
  }

  /**
   * Creates each missing directory of {@code absolute} as root's, mode 755.
   *
   * @return false when a component is a link or not a directory (nothing more is created)
   */
  private boolean createDirectories(String absolute) throws IOException {
    Path current = root;
    for (Path part : Path.of(absolute).normalize()) {
      current = current.resolve(part.toString());
      Optional<BasicFileAttributes> attributes = attributes(current);
      if (attributes.isEmpty()) {
        Files.createDirectory(current);
      } else if (!attributes.get().isDirectory()) {
        return false;
      }
    }
    return true;
  }

  /** {@code absolute} as a process in the root would find it, links followed inside the root. */
  Optional<Path> resolve(String absolute) throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    for (Path part : Path.of(absolute)) {
      pending.addLast(part.toString());
    }
    Deque<Path> walked = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.equals(".") || part.isEmpty()) {
        continue;
      }
      if (part.equals("..")) {
        walked.pollLast();
        continue;
      }
      Path candidate = (walked.isEmpty() ? root : walked.peekLast()).resolve(part);
      Optional<BasicFileAttributes> attributes = attributes(candidate);
      if (attributes.isEmpty()) {
        return Optional.empty();
      }
      if (attributes.get().isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          return Optional.empty();
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          walked.clear();
        }
        Path targetPath = Path.of(target);
        List<String> parts = new java.util.ArrayList<>();
        targetPath.forEach(p -> parts.add(p.toString()));
        for (int i = parts.size() - 1; i >= 0; i--) {
          pending.addFirst(parts.get(i));
        }
      } else {
        walked.addLast(candidate);
      }
    }
    return Optional.of(walked.isEmpty() ? root : walked.peekLast());
  }

  private static Optional<BasicFileAttributes> attributes(Path path) {
    try {
      return Optional.of(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException absent) {
      return Optional.empty();
    }
  }

  /** Whether {@code file}'s first bytes (at most {@value #MAX_LIBC_BYTES}) hold {@code needle}. */
  private static boolean contains(Path file, byte[] needle) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] content = in.readNBytes((int) MAX_LIBC_BYTES);
      outer:
      for (int i = 0; i + needle.length <= content.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (content[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }
}
