package dev.bastion.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real loop mounts: needs root and mkfs.ext4, as {@code bastion serve} does (CI runs as root). */
class WorkspaceVolumeTest {

  private static final long SIZE = 32L << 20;

  @TempDir Path dir;
  private final WorkspaceVolume volumes = new WorkspaceVolume();
  private Path image;
  private Path workspace;

  @BeforeEach
  void needsRootAndMkfs() throws IOException {
    boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    boolean mkfs =
        HostCommand.run(List.of("mkfs.ext4", "-V"), java.time.Duration.ofSeconds(10)).ok();
    assumeTrue(
        root && mkfs,
        "SKIPPED LOUDLY: WorkspaceVolumeTest needs root and mkfs.ext4 (root="
            + root
            + ", mkfs.ext4="
            + mkfs
            + "); .ci/run provides both");
    image = dir.resolve("workspace.img");
    workspace = dir.resolve("workspace");
  }

  @AfterEach
  void unmount() {
    if (workspace != null) {
      volumes.unmount(workspace);
    }
  }

  @Test
  void theWorkspaceIsAFileSystemOfItsSizeOwnedByTheSandboxUser() throws IOException {
    volumes.mount(image, workspace, SIZE);
    assertThat(volumes.isMounted(workspace)).isTrue();
    FileStore store = Files.getFileStore(workspace);
    assertThat(store.getTotalSpace()).isBetween(SIZE / 2, SIZE);
    assertThat(Files.getAttribute(workspace, "unix:uid")).isEqualTo(SandboxPaths.SANDBOX_UID);
    try (var entries = Files.list(workspace)) {
      assertThat(entries).as("no lost+found").isEmpty();
    }
    assertThat(Files.size(image)).isEqualTo(SIZE);
  }

  @Test
  void writingPastTheSizeFailsWithNoSpaceLeft() throws IOException {
    volumes.mount(image, workspace, SIZE);
    byte[] block = new byte[1 << 20];
    assertThatThrownBy(
            () -> {
              try (OutputStream out = Files.newOutputStream(workspace.resolve("fill"))) {
                for (int i = 0; i < 64; i++) {
                  out.write(block);
                }
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space left on device");
    assertThat(Files.getFileStore(dir).getUsableSpace())
        .as("the host's disk is untouched")
        .isPositive();
  }

  @Test
  void filesSurviveUnmountAndMountAgainAndASecondMountIsANoOp() throws IOException {
    volumes.mount(image, workspace, SIZE);
    Files.writeString(workspace.resolve("kept.txt"), "kept");
    volumes.mount(image, workspace, SIZE);
    volumes.unmount(workspace);
    assertThat(volumes.isMounted(workspace)).isFalse();
    assertThat(Files.exists(workspace.resolve("kept.txt"))).isFalse();
    volumes.mount(image, workspace, 2 * SIZE);
    assertThat(Files.readString(workspace.resolve("kept.txt"))).isEqualTo("kept");
    assertThat(Files.size(image)).as("an existing image keeps its size").isEqualTo(SIZE);
  }

  @Test
  void aWorkspaceFromBeforeQuotasKeepsItsFiles() throws IOException {
    Files.createDirectories(workspace);
    Files.writeString(workspace.resolve("old.txt"), "old");
    volumes.mount(image, workspace, SIZE);
    assertThat(volumes.isMounted(workspace)).isFalse();
    assertThat(Files.readString(workspace.resolve("old.txt"))).isEqualTo("old");
  }

  @Test
  void aStateDirectoryReachedThroughASymlinkIsUnmountedToo() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
    Path linkedWorkspace = link.resolve("workspace");
    volumes.mount(link.resolve("workspace.img"), linkedWorkspace, SIZE);
    assertThat(volumes.isMounted(linkedWorkspace)).isTrue();
    assertThat(volumes.mountPointsUnder(link)).containsExactly(workspace.toRealPath());
    volumes.unmountAllUnder(link);
    assertThat(volumes.isMounted(workspace)).isFalse();
  }
}
