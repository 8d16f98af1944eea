package dev.bastion.gateway.auth;

import java.util.Optional;

/** Turns an {@code Authorization} header into the calling tenant. */
public final class Authenticator {

  private static final String BEARER = "bearer ";
  private static final int MAX_HEADER = 1024;

  private final TokenFile tokens;

  public Authenticator(TokenFile tokens) {
    this.tokens = tokens;
  }

  /** The tenant of a {@code Bearer <token>} header; empty when it is missing or unknown. */
  public Optional<Tenant> authenticate(String authorization) {
    if (authorization == null
        || authorization.length() > MAX_HEADER
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    return tokens.tenantOf(authorization.substring(BEARER.length()).strip());
  }
}
