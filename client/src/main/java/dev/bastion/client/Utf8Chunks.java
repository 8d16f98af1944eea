package dev.bastion.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 that arrives in chunks: a character split between two chunks is held back until its
 * last byte comes, instead of becoming two replacement characters.
 */
final class Utf8Chunks {

  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private ByteBuffer pending = ByteBuffer.allocate(0);

  /** The text of {@code chunk} and what was held before it, up to its last whole character. */
  String decode(byte[] chunk) {
    ByteBuffer input =
        ByteBuffer.allocate(pending.remaining() + chunk.length).put(pending).put(chunk).flip();
    // UTF-8 never decodes to more chars than it has bytes.
    CharBuffer text = CharBuffer.allocate(input.remaining());
    decoder.decode(input, text, false);
    pending = input;
    return text.flip().toString();
  }

  /** What is still held: the stream ended, so an unfinished character is malformed. */
  String finish() {
    CharBuffer text = CharBuffer.allocate(pending.remaining() + 1);
    decoder.decode(pending, text, true);
    decoder.flush(text);
    decoder.reset();
    pending = ByteBuffer.allocate(0);
    return text.flip().toString();
  }
}
