package dev.bastion.client;

import java.util.concurrent.Flow;
import java.util.function.Consumer;

/** Delivers an exec's events to the callbacks of its {@link ExecOptions}, output as text. */
final class CallbackSubscriber implements Flow.Subscriber<ExecEvent> {

  private final ExecOptions options;
  private final Utf8Chunks stdout = new Utf8Chunks();
  private final Utf8Chunks stderr = new Utf8Chunks();

  CallbackSubscriber(ExecOptions options) {
    this.options = options;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    // The callbacks take everything; a slow callback still slows the source, through the
    // publisher's buffer.
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ExecEvent event) {
    switch (event) {
      case ExecEvent.Started started -> {}
      case ExecEvent.Output output when output.stream() == ExecEvent.Stream.STDOUT ->
          deliver(options.onStdout, stdout.decode(output.data()));
      case ExecEvent.Output output -> deliver(options.onStderr, stderr.decode(output.data()));
      case ExecEvent.Exited exited -> {
        deliver(options.onStdout, stdout.finish());
        deliver(options.onStderr, stderr.finish());
        if (options.onExit != null) {
          options.onExit.accept(exited);
        }
      }
    }
  }

  private static void deliver(Consumer<String> callback, String text) {
    if (callback != null && !text.isEmpty()) {
      callback.accept(text);
    }
  }

  @Override
  public void onError(Throwable failure) {
    // Nothing to call: the failure completes the handle's exit() exceptionally, where the caller
    // looks for it.
  }

  @Override
  public void onComplete() {
    // onExit has run with the last event.
  }
}
