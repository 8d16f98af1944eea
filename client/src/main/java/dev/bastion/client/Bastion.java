package dev.bastion.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to a Bastion server, as one tenant: the entry point of the SDK.
 *
 * <pre>{@code
 * try (Bastion bastion = Bastion.connect("http://127.0.0.1:8080", token)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; one instance serves a whole application, its calls multiplexed on one HTTP/2
 * connection. See the package documentation for an example.
 */
public final class Bastion implements AutoCloseable {

  private final Transport transport;
  private final Sandboxes sandboxes;
  private final Vertx ownVertx;
  private final ExecutorService ownExecutor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Bastion(Transport transport, Vertx ownVertx, ExecutorService ownExecutor) {
    this.transport = transport;
    this.sandboxes = new Sandboxes(transport);
    this.ownVertx = ownVertx;
    this.ownExecutor = ownExecutor;
  }

  /**
   * Connects to the server at {@code url} ({@code http://HOST:PORT}) with bearer {@code token}.
   * Nothing is sent yet: a wrong address or token shows on the first call.
   */
  public static Bastion connect(String url, String token) {
    return connect(new BastionOptions().url(url).token(token));
  }

  /** Connects as {@code options} say. */
  public static Bastion connect(BastionOptions options) {
    // Both checked before anything starts: a bad argument leaves no Vert.x instance behind.
    ServerUrl server = ServerUrl.parse(options.url);
    Transport.bearer(options.token);
    Vertx ownVertx = options.vertx == null ? Vertx.vertx() : null;
    ExecutorService ownExecutor =
        options.executor == null ? Executors.newVirtualThreadPerTaskExecutor() : null;
    Transport transport =
        new Transport(
            ownVertx != null ? ownVertx : options.vertx,
            server,
            options.token,
            ownExecutor != null ? ownExecutor : options.executor);
    return new Bastion(transport, ownVertx, ownExecutor);
  }

  /** Your tenant's sandboxes. */
  public Sandboxes sandboxes() {
    return sandboxes;
  }

  /**
   * Closes the connection (calls still open fail with UNAVAILABLE or CANCELLED) and what the SDK
   * started for itself. Sandboxes stay: close or delete them first to remove them.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Handoff.await(
        "Bastion.close",
        () -> {
          Future<Void> closing = transport.close();
          return ownVertx == null ? closing : closing.eventually(ownVertx::close);
        });
    if (ownExecutor != null) {
      // Not close(): that would wait for callbacks, which may be blocked on user code.
      ownExecutor.shutdown();
    }
  }
}
