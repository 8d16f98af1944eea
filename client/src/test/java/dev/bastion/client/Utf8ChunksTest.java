package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8ChunksTest {

  private final Utf8Chunks chunks = new Utf8Chunks();

  @Test
  void aCharacterSplitBetweenChunksIsDecodedWhole() {
    byte[] text = "é→😀".getBytes(StandardCharsets.UTF_8);
    StringBuilder decoded = new StringBuilder();
    for (int i = 0; i < text.length; i++) {
      decoded.append(chunks.decode(Arrays.copyOfRange(text, i, i + 1)));
    }
    decoded.append(chunks.finish());
    assertThat(decoded).hasToString("é→😀");
  }

  @Test
  void anUnfinishedCharacterAtTheEndIsAReplacement() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    assertThat(chunks.decode(new byte[] {'a', euro[0], euro[1]})).isEqualTo("a");
    assertThat(chunks.finish()).isEqualTo("\uFFFD");
    assertThat(chunks.decode("b".getBytes(StandardCharsets.UTF_8)))
        .as("a finished decoder starts afresh")
        .isEqualTo("b");
  }

  @Test
  void malformedBytesBecomeReplacements() {
    assertThat(chunks.decode(new byte[] {'x', (byte) 0xff, 'y'})).isEqualTo("x\uFFFDy");
  }
}
