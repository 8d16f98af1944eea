package dev.bastion.controller.sandbox;

import java.security.SecureRandom;

/**
 * Ids the API hands out ({@code sbx-…}, {@code snap-…}): twelve random lower-case letters and
 * digits, so they are DNS labels and cannot be guessed.
 */
final class RandomIds {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomIds() {}

  static String next(String prefix) {
    StringBuilder id = new StringBuilder(prefix);
    for (int i = 0; i < 12; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
