package dev.bastion.client;

import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How {@link Bastion#connect(BastionOptions)} connects: the server, the token and, when the
 * application has them already, the Vert.x instance to run on and the executor for callbacks.
 */
public final class BastionOptions {

  /** Where {@code bastion serve} listens by default. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";

  String url = DEFAULT_URL;
  String token;
  Vertx vertx;
  Executor executor;

  /** The server, {@code http://HOST[:PORT]}; default {@value #DEFAULT_URL}. */
  public BastionOptions url(String url) {
    this.url = Objects.requireNonNull(url, "url");
    return this;
  }

  /** The bearer token that names your tenant (required). */
  public BastionOptions token(String token) {
    this.token = Objects.requireNonNull(token, "token");
    return this;
  }

  /**
   * Runs the SDK on this Vert.x instance, which stays the caller's: closing the {@link Bastion}
   * does not close it. By default the SDK starts a Vert.x instance of its own.
   */
  public BastionOptions vertx(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    return this;
  }

  /**
   * Where exec callbacks, {@link java.util.concurrent.Flow} signals and the completions of
   * asynchronous calls run; never on an event loop. By default a new virtual thread per task.
   * Signals of one exec are delivered one at a time, in order, whatever the executor.
   */
  public BastionOptions executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }
}
