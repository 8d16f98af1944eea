package dev.bastion.gateway.it;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A terminal opened through the gateway with the JDK's WebSocket client (not the gateway's own
 * library): what it received so far, and how it was closed.
 */
final class TerminalClient implements WebSocket.Listener {

  /** How the server closed the terminal. */
  record Closed(int code, String reason) {}

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final List<String> texts = new ArrayList<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private StringBuilder partialText = new StringBuilder();
  WebSocket socket;

  /**
   * Opens {@code path} (with its query) on the gateway at {@code port}, as {@code configure} says.
   */
  static TerminalClient open(
      int port, String path, Function<WebSocket.Builder, WebSocket.Builder> configure)
      throws Exception {
    TerminalClient client = new TerminalClient();
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
    client.socket =
        configure
            .apply(builder)
            .buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
            .get(60, TimeUnit.SECONDS);
    return client;
  }

  /** Opens {@code path} with an Authorization header carrying {@code token}. */
  static TerminalClient open(int port, String path, String token) throws Exception {
    return open(port, path, b -> b.header("Authorization", "Bearer " + token));
  }

  /** The HTTP status the gateway refused the upgrade with; fails if it was accepted. */
  static int refusal(
      int port, String path, Function<WebSocket.Builder, WebSocket.Builder> configure)
      throws Exception {
    try {
      TerminalClient client = open(port, path, configure);
      client.socket.abort();
      throw new AssertionError("the upgrade to " + path + " was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  void type(String keys) {
    socket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).join();
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  /** Everything the terminal printed so far. */
  synchronized String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  synchronized List<String> texts() {
    return List.copyOf(texts);
  }

  /** Waits until the output contains {@code expected}; returns the output. */
  String awaitOutput(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    synchronized (this) {
      while (!output().contains(expected)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed.isDone()) {
          throw new AssertionError(
              "no \"" + expected + "\" in the terminal's output: " + output() + " " + closedNow());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return output();
    }
  }

  /** Whether the output contains {@code expected} within {@code millis}. */
  boolean outputWithin(String expected, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      while (!output().contains(expected)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed.isDone()) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  Closed awaitClose() throws Exception {
    return closed.get(60, TimeUnit.SECONDS);
  }

  private String closedNow() {
    return closed.isDone() ? "(closed: " + closed.join() + ")" : "";
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public synchronized CompletionStage<?> onBinary(
      WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    output.writeBytes(bytes);
    notifyAll();
    webSocket.request(1);
    return null;
  }

  @Override
  public synchronized CompletionStage<?> onText(
      WebSocket webSocket, CharSequence data, boolean last) {
    partialText.append(data);
    if (last) {
      texts.add(partialText.toString());
      partialText = new StringBuilder();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public synchronized CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
    closed.complete(new Closed(code, reason));
    notifyAll();
    return null;
  }

  @Override
  public synchronized void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
    notifyAll();
  }
}
