package dev.bastion.client;

import java.util.Objects;

/**
 * A call to Bastion failed. {@link #code()} says how, in gRPC's terms; {@link #description()} is
 * the server's one-line message as it sent it (a denied call names the policy rule that denied it),
 * or for failures on the client's side, what went wrong there.
 *
 * <p>Every SDK method that talks to the server throws this (the blocking ones) or completes with it
 * (the asynchronous ones); invalid arguments are refused before any call with {@link
 * IllegalArgumentException}.
 */
public final class BastionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The gRPC status codes, without OK. */
  public enum Code {
    CANCELLED,
    UNKNOWN,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    /** No such sandbox or file; also another tenant's sandbox, which does not exist for you. */
    NOT_FOUND,
    ALREADY_EXISTS,
    /** A policy rule denied the call; the description names the rule. */
    PERMISSION_DENIED,
    /** A quota, rate or size limit; the description names the limit. */
    RESOURCE_EXHAUSTED,
    /** The sandbox cannot take the call in its state, e.g. it is suspended. */
    FAILED_PRECONDITION,
    ABORTED,
    OUT_OF_RANGE,
    UNIMPLEMENTED,
    INTERNAL,
    /** The server cannot be reached, or the connection to it was lost. */
    UNAVAILABLE,
    DATA_LOSS,
    /** The token is missing or unknown. */
    UNAUTHENTICATED
  }

  private final Code code;
  private final String description;

  public BastionException(Code code, String description) {
    this(code, description, null);
  }

  public BastionException(Code code, String description, Throwable cause) {
    super(
        Objects.requireNonNull(code, "code") + (description.isEmpty() ? "" : ": " + description),
        cause);
    this.code = code;
    this.description = description;
  }

  public Code code() {
    return code;
  }

  /** The message without the code: the server's, when the server refused the call. */
  public String description() {
    return description;
  }
}
