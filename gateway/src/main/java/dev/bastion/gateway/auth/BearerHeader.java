package dev.bastion.gateway.auth;

import java.util.Optional;

/** The token of an {@code Authorization: Bearer <token>} header. */
final class BearerHeader {

  private static final String BEARER = "bearer ";
  private static final int MAX_HEADER = 1024;

  private BearerHeader() {}

  /** The token; empty when the header is missing, too long or of another scheme. */
  static Optional<String> token(String authorization) {
    if (authorization == null
        || authorization.length() > MAX_HEADER
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(BEARER.length()).strip());
  }
}
