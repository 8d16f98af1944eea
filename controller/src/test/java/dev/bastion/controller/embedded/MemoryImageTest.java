package dev.bastion.controller.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryImageTest {

  static final String MAKER = "runsc version 0.0~20240729.0, sandboxd abc, runtime v2-x";

  @TempDir Path dir;

  private MemoryImage sealed() throws IOException {
    MemoryImage image = new MemoryImage(dir.resolve("memory"));
    Path written = image.prepareWriting();
    Files.write(written.resolve("checkpoint.img"), new byte[4096]);
    image.sealWritten(MAKER, Duration.ofMillis(120), Instant.parse("2026-12-04T10:00:00Z"));
    return image;
  }

  @Test
  void aSealedImageVerifiesAndSaysWhatItHolds() throws IOException {
    MemoryImage image = sealed();
    MemoryImage.Seal seal = image.verify(MAKER);
    assertThat(seal.bytes()).isEqualTo(4096);
    assertThat(seal.savedMillis()).isEqualTo(120);
    assertThat(seal.files()).containsOnlyKeys("checkpoint.img");
    assertThat(dir.resolve("memory.partial")).doesNotExist();
  }

  @Test
  void anUnfinishedImageIsNoImage() throws IOException {
    MemoryImage image = new MemoryImage(dir.resolve("memory"));
    Files.write(image.prepareWriting().resolve("checkpoint.img"), new byte[10]);
    assertThat(image.exists()).isFalse();
    assertThatThrownBy(() -> image.verify(MAKER)).hasMessage("is missing");
  }

  @Test
  void aTruncatedOrChangedFileIsRefused() throws IOException {
    MemoryImage image = sealed();
    Files.write(dir.resolve("memory/checkpoint.img"), new byte[100]);
    assertThatThrownBy(() -> image.verify(MAKER))
        .isInstanceOf(MemoryImage.Unusable.class)
        .isNotInstanceOf(MemoryImage.Incompatible.class)
        .hasMessageContaining("does not hold the files that were saved");
  }

  @Test
  void aFileAddedOrALinkPlantedIsRefused() throws IOException {
    MemoryImage image = sealed();
    Files.createSymbolicLink(dir.resolve("memory/pages.img"), Path.of("/etc/shadow"));
    assertThatThrownBy(() -> image.verify(MAKER))
        .hasMessage("holds pages.img, which is not a file");
  }

  @Test
  void anImageMadeByAnotherRuntimeOrSandboxdIsIncompatible() throws IOException {
    MemoryImage image = sealed();
    assertThatThrownBy(() -> image.verify("runsc version 0.0~20221219.0, sandboxd abc"))
        .isInstanceOf(MemoryImage.Incompatible.class)
        .hasMessageContaining("was made by " + MAKER);
  }

  @Test
  void aDamagedSealIsRefused() throws IOException {
    MemoryImage image = sealed();
    Files.writeString(dir.resolve("memory").resolve(MemoryImage.SEAL), "{not json");
    assertThatThrownBy(() -> image.verify(MAKER)).hasMessage("has a damaged seal");
  }

  @Test
  void theImageIsTheHostRootsAlone() throws IOException {
    sealed();
    assertThat(Files.getPosixFilePermissions(dir.resolve("memory")))
        .extracting(Enum::name)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
  }
}
