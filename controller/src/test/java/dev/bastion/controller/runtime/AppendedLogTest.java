package dev.bastion.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendedLogTest {

  private static final int CAP = 1024;

  /** What a container writes: numbered lines, so any tail of it is recognisable. */
  private static byte[] lines(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(String.format("line %05d\n", i));
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static FileChannel appendingWriter(Path log) throws IOException {
    return FileChannel.open(
        log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /**
   * The runtime holds the log open with O_APPEND for as long as the container runs: after the
   * rotation its writes land at the start of the emptied file, not at the old offset.
   */
  @Test
  void rotationKeepsTheNewestTailAndAnAppendingWriterGoesOnAtTheStart(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("container.log");
    AppendedLog log = new AppendedLog(file);
    byte[] written = lines(500);
    try (FileChannel container = appendingWriter(file)) {
      container.write(ByteBuffer.wrap(written));

      assertThat(log.rotateOver(CAP)).isTrue();

      assertThat(Files.size(file)).isZero();
      assertThat(Files.readAllBytes(log.rotated()))
          .isEqualTo(Arrays.copyOfRange(written, written.length - CAP, written.length));
      container.write(ByteBuffer.wrap("after the rotation\n".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(Files.readString(file)).isEqualTo("after the rotation\n");
  }

  @Test
  void aLogWithinItsCapIsLeftAlone(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("container.log");
    Files.write(file, lines(10));
    AppendedLog log = new AppendedLog(file);

    assertThat(log.rotateOver(CAP)).isFalse();
    assertThat(Files.readAllBytes(file)).isEqualTo(lines(10));
    assertThat(log.rotated()).doesNotExist();
    assertThat(new AppendedLog(dir.resolve("absent.log")).rotateOver(CAP)).isFalse();
  }

  /** A second rotation replaces the first one's tail; a link put in its place is not written. */
  @Test
  void theRotatedFileIsReplacedNeverWrittenThroughALink(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("container.log");
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "host file\n");
    AppendedLog log = new AppendedLog(file);
    Files.createSymbolicLink(log.rotated(), elsewhere);
    byte[] written = lines(300);
    Files.write(file, written);

    assertThat(log.rotateOver(CAP)).isTrue();

    assertThat(Files.readString(elsewhere)).isEqualTo("host file\n");
    assertThat(Files.isSymbolicLink(log.rotated())).isFalse();
    assertThat(Files.readAllBytes(log.rotated()))
        .isEqualTo(Arrays.copyOfRange(written, written.length - CAP, written.length));
  }

  @Test
  void aLinkInPlaceOfTheLogIsNeitherReadNorRotated(@TempDir Path dir) throws IOException {
    Path elsewhere = dir.resolve("elsewhere");
    Files.write(elsewhere, lines(300));
    Path file = Files.createSymbolicLink(dir.resolve("container.log"), elsewhere);
    AppendedLog log = new AppendedLog(file);

    assertThatThrownBy(() -> log.rotateOver(CAP)).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> log.tail(CAP)).hasMessageContaining("not a regular file");
    assertThatThrownBy(log::prepare).hasMessageContaining("not a regular file");
    assertThat(Files.readAllBytes(elsewhere)).isEqualTo(lines(300));
  }

  @Test
  void theTailIsTheLastBytesOnly(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("container.log");
    Files.write(file, lines(300));

    assertThat(new AppendedLog(file).tail(22)).isEqualTo("line 00298\nline 00299\n");
    assertThat(new AppendedLog(dir.resolve("absent.log")).tail(22)).isEmpty();
  }
}
