package dev.bastion.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The bearer token {@code /metrics} asks for when {@code serve --metrics-token-file} names one. It
 * is read from a file so that it is not on the command line for {@code ps} to show, and kept only
 * as a SHA-256 digest, compared in constant time: a caller learns nothing from how long a wrong
 * guess takes, its length included.
 */
public final class MetricsToken {

  private final byte[] digest;

  private MetricsToken(String token) {
    this.digest = TokenFile.digest(token).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The token in {@code file}: its whole content less the line end an editor leaves at its end.
   *
   * @throws IllegalArgumentException naming the file, when it cannot be read or holds no usable
   *     token
   */
  public static MetricsToken read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the metrics token file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("the metrics token file " + file + " is not readable");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the metrics token file " + file + ": " + e);
    }
    String token = text.replaceFirst("[\r\n]+$", "");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the metrics token file " + file + " is empty");
    }
    if (token.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "the metrics token in " + file + " holds whitespace, which no bearer header can carry");
    }
    if (token.length() < TokenFile.MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "the metrics token in "
              + file
              + " is shorter than "
              + TokenFile.MIN_TOKEN_LENGTH
              + " characters");
    }
    return new MetricsToken(token);
  }

  /** Whether {@code authorization} is {@code Bearer <this token>}. */
  public boolean admits(String authorization) {
    return BearerHeader.token(authorization)
        .map(
            token ->
                MessageDigest.isEqual(
                    digest, TokenFile.digest(token).getBytes(StandardCharsets.US_ASCII)))
        .orElse(false);
  }
}
