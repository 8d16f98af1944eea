package dev.bastion.loadtest.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds small OCI images without docker: umoci makes the layout and layers, skopeo pushes them.
 * The base layer is the least a glibc program and a shell need, copied from the host (Debian 12,
 * glibc 2.36): the loader and C library, dash and a few coreutils, and a passwd with user {@code
 * app} (1234).
 */
public final class ImageBuilder {

  private static final AtomicInteger TAGS = new AtomicInteger();
  private static final List<String> HOST_LIBS =
      List.of(
          "ld-linux-x86-64.so.2",
          "libc.so.6",
          "libm.so.6",
          "libdl.so.2",
          "libpthread.so.0",
          "librt.so.1",
          "libselinux.so.1",
          "libpcre2-8.so.0");
  private static final Map<String, String> HOST_PROGRAMS =
      Map.of(
          "sh", "/usr/bin/dash",
          "cat", "/usr/bin/cat",
          "env", "/usr/bin/env",
          "pwd", "/usr/bin/pwd",
          "id", "/usr/bin/id",
          "sleep", "/usr/bin/sleep",
          "echo", "/usr/bin/echo",
          "ls", "/usr/bin/ls");

  private final Path workDir;
  private final Map<String, String> files = new LinkedHashMap<>();
  private final List<String> env = new ArrayList<>();
  private String workingDir;
  private String user;
  private boolean glibc = true;
  private long extraBytes;
  private String credentials;

  private ImageBuilder(Path workDir) {
    this.workDir = workDir;
  }

  public static ImageBuilder builder(Path workDir) {
    return new ImageBuilder(workDir);
  }

  public ImageBuilder file(String path, String content) {
    files.put(path, content);
    return this;
  }

  public ImageBuilder env(String name, String value) {
    env.add(name + "=" + value);
    return this;
  }

  public ImageBuilder workingDir(String dir) {
    workingDir = dir;
    return this;
  }

  public ImageBuilder user(String user) {
    this.user = user;
    return this;
  }

  /** No loader, no C library, no programs: an image sandboxd cannot run in. */
  public ImageBuilder withoutGlibc() {
    glibc = false;
    return this;
  }

  /** A file of {@code bytes} incompressible bytes, so the image is that much larger. */
  public ImageBuilder extraBytes(long bytes) {
    extraBytes = bytes;
    return this;
  }

  /** Pushes as {@code user} to a registry behind a password. */
  public ImageBuilder credentials(String user, String password) {
    credentials = user + ":" + password;
    return this;
  }

  /** Builds the image and pushes it as {@code registry/name}; returns its manifest digest. */
  public String pushTo(LocalRegistry registry, String name) throws IOException {
    String layoutImage = build();
    Path digest = workDir.resolve("digest-" + TAGS.incrementAndGet());
    List<String> argv = new ArrayList<>(List.of("skopeo", "copy", "--dest-tls-verify=false"));
    if (credentials != null) {
      argv.add("--dest-creds=" + credentials);
    }
    argv.addAll(
        List.of(
            "--digestfile=" + digest,
            "oci:" + layoutImage,
            "docker://" + registry.address() + "/" + name));
    Commands.require(argv);
    return Files.readString(digest).strip();
  }

  /** Builds the image and writes it as an OCI archive carrying {@code name}. */
  public void saveOciArchive(Path file, String name) throws IOException {
    Commands.require(
        List.of("skopeo", "copy", "oci:" + build(), "oci-archive:" + file + ":" + name));
  }

  /** Builds the image and writes it as {@code docker save} would, tagged {@code name}. */
  public void saveDockerArchive(Path file, String name) throws IOException {
    Commands.require(
        List.of("skopeo", "copy", "oci:" + build(), "docker-archive:" + file + ":" + name));
  }

  /** Builds the image in an OCI layout; returns {@code LAYOUT:TAG}. */
  private String build() throws IOException {
    Path layout = workDir.resolve("layout");
    if (!Files.isDirectory(layout)) {
      Commands.require(List.of("umoci", "init", "--layout", layout.toString()));
    }
    String tag = "t" + TAGS.incrementAndGet();
    String image = layout + ":" + tag;
    Commands.require(List.of("umoci", "new", "--image", image));
    Path bundle = workDir.resolve("bundle-" + tag);
    Commands.require(List.of("umoci", "unpack", "--image", image, bundle.toString()));
    Path rootfs = bundle.resolve("rootfs");
    if (glibc) {
      base(rootfs);
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = rootfs.resolve(file.getKey().substring(1));
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
    }
    if (extraBytes > 0) {
      writeRandom(rootfs.resolve("extra.bin"), extraBytes);
    }
    Commands.require(List.of("umoci", "repack", "--image", image, bundle.toString()));
    List<String> config = new ArrayList<>(List.of("umoci", "config", "--image", image));
    env.forEach(entry -> config.add("--config.env=" + entry));
    if (workingDir != null) {
      config.add("--config.workingdir=" + workingDir);
    }
    if (user != null) {
      config.add("--config.user=" + user);
    }
    if (config.size() > 4) {
      Commands.require(config);
    }
    return image;
  }

  /** Debian's merged /usr, with the host's loader, libraries and a few programs. */
  private static void base(Path rootfs) throws IOException {
    Path libs = Files.createDirectories(rootfs.resolve("usr/lib/x86_64-linux-gnu"));
    for (String lib : HOST_LIBS) {
      Files.copy(Path.of("/lib/x86_64-linux-gnu", lib), libs.resolve(lib));
    }
    Path bin = Files.createDirectories(rootfs.resolve("usr/bin"));
    for (Map.Entry<String, String> program : HOST_PROGRAMS.entrySet()) {
      Files.copy(Path.of(program.getValue()), bin.resolve(program.getKey()));
    }
    Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
    Files.createSymbolicLink(rootfs.resolve("bin"), Path.of("usr/bin"));
    Files.createDirectories(rootfs.resolve("lib64"));
    Files.createSymbolicLink(
        rootfs.resolve("lib64/ld-linux-x86-64.so.2"),
        Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
    Path etc = Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234:app:/srv:/bin/sh\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:1234:\n");
    Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private static void writeRandom(Path file, long bytes) throws IOException {
    Random random = new Random(20261203);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
  }
}
