package dev.bastion.sandboxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacePathsTest {

  @TempDir Path temp;
  private Path workspace;
  private WorkspacePaths paths;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectory(temp.resolve("ws"));
    Files.createDirectory(temp.resolve("outside"));
    Files.createDirectory(workspace.resolve("sub"));
    paths = new WorkspacePaths(workspace);
  }

  @Test
  void mapsAbsoluteAndRelativePathsIntoTheWorkspace() throws Exception {
    assertThat(paths.resolveEntry("/workspace/sub/a.txt"))
        .isEqualTo(
            new WorkspacePaths.WorkspacePath(
                "/workspace/sub/a.txt", workspace.resolve("sub/a.txt")));
    assertThat(paths.resolveEntry("sub/./x/../a.txt").logical()).isEqualTo("/workspace/sub/a.txt");
    assertThat(paths.resolveEntry("/workspace").isRoot()).isTrue();
    assertThat(paths.resolveEntry(".").host()).isEqualTo(workspace);
  }

  @Test
  void rejectsDotDotEscapes() {
    assertOutside("../outside/x");
    assertOutside("/workspace/../etc/passwd");
    assertOutside("sub/../../x");
    assertOutside("/workspacex/file");
  }

  @Test
  void rejectsAbsolutePathsElsewhere() {
    assertOutside("/etc/passwd");
    assertOutside("/");
  }

  @Test
  void rejectsMalformedPaths() {
    assertInvalid("", "path must not be empty");
    assertInvalid("a\0b", "path must not contain NUL bytes");
    assertInvalid("a".repeat(4097), "path is longer than 4096 bytes");
    assertInvalid("a".repeat(256), "a name in the path is longer than 255 bytes");
    assertInvalid(
        "d/" + "\u00e9".repeat(128) + "/f", "a name in the path is longer than 255 bytes");
  }

  @Test
  void acceptsNamesOfTheLongestLength() throws Exception {
    assertThat(paths.resolveFollowing("a".repeat(255)).logical())
        .isEqualTo("/workspace/" + "a".repeat(255));
  }

  @Test
  void rejectsSymlinkToOutsideWhenFollowing() throws Exception {
    Files.createSymbolicLink(workspace.resolve("etc"), Path.of("/etc"));
    assertOutside("etc/passwd");
    assertOutside("etc");
    // The link itself may be inspected or removed: it lives inside the workspace.
    assertThat(paths.resolveEntry("etc").host()).isEqualTo(workspace.resolve("etc"));
  }

  @Test
  void rejectsSymlinkChainsThatLeave() throws Exception {
    Files.createSymbolicLink(workspace.resolve("b"), temp.resolve("outside"));
    Files.createSymbolicLink(workspace.resolve("a"), Path.of("b"));
    assertOutside("a");
    assertOutside("a/new-file");
  }

  @Test
  void rejectsFilesBelowASymlinkedParentDirectory() throws Exception {
    Files.createSymbolicLink(workspace.resolve("sub/escape"), Path.of("../../outside"));
    assertOutside("sub/escape/file.txt");
  }

  @Test
  void rejectsDanglingSymlinkPointingOutside() throws Exception {
    Files.createSymbolicLink(workspace.resolve("dangling"), temp.resolve("outside/missing/file"));
    assertOutside("dangling");
  }

  @Test
  void allowsSymlinksThatStayInside() throws Exception {
    Files.createSymbolicLink(workspace.resolve("inner"), Path.of("sub"));
    Files.createSymbolicLink(workspace.resolve("sub/up"), Path.of(".."));
    assertThat(paths.resolveFollowing("inner/new.txt").host())
        .isEqualTo(workspace.resolve("inner/new.txt"));
    assertThat(paths.resolveFollowing("sub/up/sub").logical()).isEqualTo("/workspace/sub/up/sub");
    Files.createSymbolicLink(workspace.resolve("dangling-inside"), Path.of("sub/not-yet"));
    assertThat(paths.resolveFollowing("dangling-inside").logical())
        .isEqualTo("/workspace/dangling-inside");
  }

  @Test
  void stopsOnSymlinkLoops() throws Exception {
    Files.createSymbolicLink(workspace.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(workspace.resolve("loop2"), Path.of("loop1"));
    assertInvalid("loop1", "too many levels of symbolic links");
  }

  @Test
  void namesOnlyTheClientPathInErrors() {
    assertThatThrownBy(() -> paths.resolveEntry("../secret"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.message()).isEqualTo("path ../secret is outside /workspace"));
  }

  private void assertOutside(String path) {
    assertInvalid(path, "path " + path + " is outside /workspace");
  }

  private void assertInvalid(String path, String message) {
    assertThatThrownBy(() -> paths.resolveFollowing(path))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
              assertThat(e.message()).isEqualTo(message);
            });
  }
}
