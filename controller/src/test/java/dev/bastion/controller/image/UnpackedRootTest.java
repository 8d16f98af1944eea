package dev.bastion.controller.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bastion.controller.runtime.ProcessDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackedRootTest {

  @TempDir Path dir;
  private Path root;
  private Path outside;

  @BeforeEach
  void glibcRoot() throws IOException {
    root = Files.createDirectories(dir.resolve("rootfs"));
    outside = Files.createDirectories(dir.resolve("host"));
    Path libs = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
    Files.writeString(libs.resolve("ld-linux-x86-64.so.2"), "loader");
    Files.writeString(libs.resolve("libc.so.6"), "\0GLIBC_2.2.5\0GLIBC_2.34\0GLIBC_2.36\0");
    // Debian's merged /usr: links, absolute and relative, all to be read inside the root.
    Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
    Files.createDirectories(root.resolve("lib64"));
    Files.createSymbolicLink(
        root.resolve("lib64/ld-linux-x86-64.so.2"),
        Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
  }

  private void prepare() throws IOException {
    new UnpackedRoot("r/app:1", root).prepare(defaults(Optional.of("/srv/app")));
  }

  private static ProcessDefaults defaults(Optional<String> workingDir) {
    return new ProcessDefaults(List.of(), workingDir, 1234, 1234);
  }

  @Test
  void aGlibcImageGetsItsMountPointsAndWorkingDir() throws IOException {
    prepare();
    for (String mountPoint : UnpackedRoot.MOUNT_POINTS) {
      assertThat(root.resolve(mountPoint.substring(1))).as(mountPoint).isDirectory();
    }
    assertThat(root.resolve("srv/app")).isDirectory();
  }

  @Test
  void aLinkWhereASandboxMountsIsRefusedAndNothingIsMadeOnTheHost() throws IOException {
    Files.createSymbolicLink(root.resolve("run"), outside);
    assertThatThrownBy(this::prepare)
        .isInstanceOf(ImageFailure.class)
        .hasMessage("image r/app:1 has a link or a file where a sandbox mounts /run/bastion");
    assertThat(emptyDir(outside)).isTrue();
  }

  @Test
  void aWorkingDirUnderALinkIsLeftToTheSandboxNotMadeOnTheHost() throws IOException {
    Files.createSymbolicLink(root.resolve("srv"), outside);
    prepare();
    assertThat(emptyDir(outside)).isTrue();
  }

  @Test
  void linksAreResolvedInsideTheRootEvenWhenTheyClimbOutOfIt() throws IOException {
    UnpackedRoot unpacked = new UnpackedRoot("r/app:1", root);
    Files.writeString(outside.resolve("secret"), "host");
    Files.createSymbolicLink(
        root.resolve("escape"), Path.of("../../../../../../" + outside + "/secret"));
    Files.createSymbolicLink(root.resolve("absolute"), outside.resolve("secret"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    assertThat(unpacked.resolve("/escape")).isEmpty();
    assertThat(unpacked.resolve("/absolute")).isEmpty();
    assertThat(unpacked.resolve("/loop")).isEmpty();
    assertThat(unpacked.resolve(UnpackedRoot.LOADER))
        .contains(root.resolve("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
  }

  @Test
  void aLoaderThatLinksToTheHostsIsNoGlibc() throws IOException {
    Files.delete(root.resolve("lib64/ld-linux-x86-64.so.2"));
    Path hostLoader = Files.writeString(outside.resolve("ld.so"), "host loader");
    Files.createSymbolicLink(root.resolve("lib64/ld-linux-x86-64.so.2"), hostLoader);
    assertThatThrownBy(this::prepare).hasMessageContaining("has no glibc");
  }

  @Test
  void muslAndOldGlibcImagesAreRefusedWithTheReason() throws IOException {
    Files.writeString(root.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"), "\0GLIBC_2.31\0");
    assertThatThrownBy(this::prepare).hasMessageContaining("older than 2.34");
    try (Stream<Path> libs = Files.list(root.resolve("usr/lib/x86_64-linux-gnu"))) {
      for (Path lib : libs.toList()) {
        Files.delete(lib);
      }
    }
    Files.writeString(root.resolve("lib/ld-musl-x86_64.so.1"), "musl", StandardCharsets.UTF_8);
    assertThatThrownBy(this::prepare)
        .hasMessage(
            "image r/app:1 has no glibc (/lib64/ld-linux-x86-64.so.2 and libc.so.6): sandboxd"
                + " needs glibc 2.34 or newer, so musl-based images such as Alpine cannot run");
  }

  @Test
  void deviceNodesAreRemovedAndSetIdBitsCleared() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
    Path disk = root.resolve("usr/disk");
    Path tool = Files.writeString(root.resolve("usr/bin-tool"), "#!/bin/sh\n");
    run("mknod", "-m", "0666", disk.toString(), "b", "7", "0");
    run("mknod", "-m", "0666", root.resolve("usr/null").toString(), "c", "1", "3");
    run("chmod", "6755", tool.toString());

    prepare();

    assertThat(disk).doesNotExist();
    assertThat(root.resolve("usr/null")).doesNotExist();
    assertThat((Integer) Files.getAttribute(tool, "unix:mode") & 07777).isEqualTo(0755);
    assertThat(root.resolve("usr/lib/x86_64-linux-gnu/libc.so.6")).exists();
  }

  private static void run(String... argv) throws Exception {
    assertThat(new ProcessBuilder(argv).inheritIO().start().waitFor())
        .as(String.join(" ", argv))
        .isZero();
  }

  private static boolean emptyDir(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
