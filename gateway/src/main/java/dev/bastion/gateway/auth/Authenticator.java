package dev.bastion.gateway.auth;

import java.util.Optional;

/** Turns an {@code Authorization} header into the calling tenant. */
public final class Authenticator {

  private final TokenFile tokens;

  public Authenticator(TokenFile tokens) {
    this.tokens = tokens;
  }

  /** The tenant of a {@code Bearer <token>} header; empty when it is missing or unknown. */
  public Optional<Tenant> authenticate(String authorization) {
    return BearerHeader.token(authorization).flatMap(tokens::tenantOf);
  }
}
