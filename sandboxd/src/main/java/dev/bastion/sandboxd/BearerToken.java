package dev.bastion.sandboxd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The per-sandbox token that every call must carry as {@code authorization: Bearer TOKEN}. The
 * gateway writes it into the sandbox's token file (on Kubernetes, a Secret mounted into the pod; on
 * one machine, a file only sandboxd's uid can read) and sends it with each call; nothing else knows
 * it.
 */
final class BearerToken {

  static final String HEADER = "authorization";

  private final byte[] expectedHeader;

  private BearerToken(String token) {
    this.expectedHeader = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the token from {@code file}, surrounding whitespace removed.
   *
   * @throws IllegalArgumentException with one sentence when the file is missing, unreadable or
   *     holds no token
   */
  static BearerToken read(Path file) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the token file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("the token file " + file + " cannot be read");
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the token file " + file + " is empty");
    }
    return new BearerToken(token);
  }

  /**
   * Whether {@code authorization} is this token's header value. Constant time in the header's
   * content, so response timing does not reveal how much of a guess was right.
   */
  boolean matches(String authorization) {
    byte[] presented =
        authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expectedHeader, presented);
  }

  /** The {@code authorization} value a client sends. */
  String headerValue() {
    return new String(expectedHeader, StandardCharsets.UTF_8);
  }

  /** Never the token itself: configs and errors get logged. */
  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
