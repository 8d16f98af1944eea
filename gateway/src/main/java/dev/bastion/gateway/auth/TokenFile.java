package dev.bastion.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer tokens and the tenants they stand for, read from a file with one {@code TOKEN TENANT
 * [admin]} per line ({@code #} starts a comment). Tokens are kept only as SHA-256 digests, so a
 * lookup takes the same time whatever prefix of a token a caller guesses.
 */
public final class TokenFile {

  static final int MIN_TOKEN_LENGTH = 16;
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final Map<String, Tenant> byDigest;

  private TokenFile(Map<String, Tenant> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** Parses {@code lines}; the error names the line that is wrong. */
  public static TokenFile parse(List<String> lines) {
    Map<String, Tenant> byDigest = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      String where = "tokens file line " + (i + 1) + ": ";
      if (words.length < 2 || words.length > 3 || words.length == 3 && !words[2].equals("admin")) {
        throw new IllegalArgumentException(
            where + "expected 'TOKEN TENANT' or 'TOKEN TENANT admin'");
      }
      if (words[0].length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            where + "token is shorter than " + MIN_TOKEN_LENGTH + " characters");
      }
      if (!TENANT.matcher(words[1]).matches()) {
        throw new IllegalArgumentException(
            where + "tenant must be lowercase letters, digits and '-', at most 63 characters");
      }
      if (byDigest.put(digest(words[0]), new Tenant(words[1], words.length == 3)) != null) {
        throw new IllegalArgumentException(where + "token appears twice");
      }
    }
    if (byDigest.isEmpty()) {
      throw new IllegalArgumentException("the tokens file has no tokens");
    }
    return new TokenFile(byDigest);
  }

  /** Reads {@code file}. */
  public static TokenFile read(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * Makes a file with one random admin token for tenant {@code default}, readable by its owner
   * only, and returns the token.
   */
  public static String generate(Path file) throws IOException {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "# Bastion bearer tokens: TOKEN TENANT [admin]\n" + token + " default admin\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return token;
  }

  /** The tenant {@code token} stands for. */
  public Optional<Tenant> tenantOf(String token) {
    return Optional.ofNullable(byDigest.get(digest(token)));
  }

  /** The SHA-256 of {@code token} in hex: what tokens are kept and compared as. */
  static String digest(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
