package dev.bastion.client;

import static dev.bastion.client.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.client.BastionException.Code;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A sandbox's files through the SDK against a real server, checked from inside with python. */
@ExtendWith(EmbeddedBastion.class)
class FilesIT {

  static Bastion alice;
  static Sandbox sandbox;
  static SandboxFiles files;

  @BeforeAll
  static void start(EmbeddedBastion.Server server) {
    alice = Bastion.connect(server.url(), EmbeddedBastion.ALICE);
    sandbox = alice.sandboxes().create(SandboxSpec.warmPool("python"));
    files = sandbox.files();
  }

  @AfterAll
  static void stop() {
    EmbeddedBastion.closeAll(alice);
  }

  @Test
  void whatIsWrittenIsReadBackAndSeenInside() {
    FileInfo written = files.write("hello.txt", "hello\n");
    assertThat(written.path()).isEqualTo("/workspace/hello.txt");
    assertThat(written.size()).isEqualTo(6);
    assertThat(files.readString("/workspace/hello.txt")).isEqualTo("hello\n");
    assertThat(sandbox.run("cat", "hello.txt").stdout()).isEqualTo("hello\n");
    FileInfo stat = files.stat("hello.txt");
    assertThat(stat.type()).isEqualTo(FileInfo.Type.FILE);
    assertThat(stat.mode()).isEqualTo(0644);
    assertThat(stat.modifiedAt()).isNotNull();
  }

  @Test
  void aFileLargerThanOneMessageGoesInChunksAndComesBackWhole() {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(data);
    assertThat(files.write("big.bin", data).size()).isEqualTo(data.length);
    assertThat(files.read("big.bin")).isEqualTo(data);
    assertThat(
            sandbox
                .run("python3", "-c", "import os; print(os.path.getsize('/workspace/big.bin'))")
                .stdout())
        .isEqualTo(data.length + "\n");
  }

  @Test
  void directoriesAreMadeListedMovedAndRemoved() {
    assertThat(files.mkdir("tree/a/b").isDirectory()).isTrue();
    files.write("tree/a/one.txt", "1");
    files.write("tree/two.txt", "2");
    assertThat(files.list("tree"))
        .extracting(FileInfo::name, FileInfo::type)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", FileInfo.Type.DIRECTORY),
            org.assertj.core.groups.Tuple.tuple("two.txt", FileInfo.Type.FILE));
    assertThat(inside("tree")).isEqualTo("['a', 'two.txt']");

    assertThat(files.move("tree/two.txt", "tree/a/two.txt").path())
        .isEqualTo("/workspace/tree/a/two.txt");
    assertThat(inside("tree/a")).isEqualTo("['b', 'one.txt', 'two.txt']");

    files.remove("tree/a/one.txt");
    assertRefused(() -> files.stat("tree/a/one.txt"), Code.NOT_FOUND, "");
    files.remove("tree", true);
    assertThat(inside(".")).doesNotContain("tree");
  }

  @Test
  void pathsOutsideTheWorkspaceAreRefused() {
    assertRefused(() -> files.read("/etc/passwd"), Code.INVALID_ARGUMENT, "");
    assertRefused(() -> files.write("../escape.txt", "x"), Code.INVALID_ARGUMENT, "");
  }

  @Test
  void aWriteMakesMissingDirectoriesUnlessToldNotTo() {
    assertThat(files.write("made/by/write.txt", "x").path())
        .isEqualTo("/workspace/made/by/write.txt");
    assertRefused(
        () -> files.write("absent/file.txt", "x".getBytes(StandardCharsets.UTF_8), false),
        Code.NOT_FOUND,
        "does not exist");
  }

  @Test
  void aMissingFileIsNotFound() {
    assertRefused(() -> files.read("nothing-here.txt"), Code.NOT_FOUND, "");
  }

  /** The sorted names in {@code directory}, as python inside the sandbox lists them. */
  private static String inside(String directory) {
    return sandbox
        .run(
            RunOptions.command(
                "python3",
                "-c",
                "import os, sys; print(sorted(os.listdir(sys.argv[1])))",
                directory))
        .stdout()
        .strip();
  }
}
