package dev.bastion.client;

import static dev.bastion.client.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.client.BastionException.Code;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Commands through the SDK against a real server: run with its result, exec streamed to callbacks
 * and to a Flow subscriber, stdin, signals; and no user code or blocking wait on an event loop. The
 * SDK runs on the test's own Vert.x, so the test can call it from one of its event loops.
 */
@ExtendWith(EmbeddedBastion.class)
class ProcessesIT {

  private static final long PATIENCE_SECONDS = 60;

  static Vertx vertx;
  static Bastion alice;
  static Sandbox sandbox;

  @BeforeAll
  static void start(EmbeddedBastion.Server server) {
    vertx = Vertx.vertx();
    alice =
        Bastion.connect(
            new BastionOptions().url(server.url()).token(EmbeddedBastion.ALICE).vertx(vertx));
    sandbox = alice.sandboxes().create(SandboxSpec.warmPool("python"));
  }

  @AfterAll
  static void stop() throws Exception {
    EmbeddedBastion.closeAll(alice);
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void runReturnsTheExitCodeAndBothOutputs() {
    RunResult result = sandbox.run("sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.stdoutBytes()).isEqualTo("out\n".getBytes());
    assertThat(result.timedOut()).isFalse();
    assertThat(result.truncated()).isFalse();
    assertThat(result.duration()).isPositive();
  }

  @Test
  void runFeedsStdinEnvironmentAndWorkingDirectory() {
    sandbox.files().mkdir("sub");
    RunResult result =
        sandbox.run(
            RunOptions.command(
                    "python3",
                    "-c",
                    "import os, sys; print(sys.stdin.read().upper(), os.environ['WHO'], os.getcwd())")
                .stdin("hi")
                .env("WHO", "sdk")
                .cwd("sub"));
    assertThat(result.stdout()).isEqualTo("HI sdk /workspace/sub\n");
    assertThat(result.succeeded()).isTrue();
  }

  @Test
  void aRunPastItsTimeoutIsKilledAndSaysSo() {
    RunResult result =
        sandbox.run(RunOptions.command("sleep", "60").timeout(Duration.ofSeconds(1)));
    assertThat(result.timedOut()).isTrue();
    assertThat(result.succeeded()).isFalse();
  }

  @Test
  void outputPastTheCapIsCutAndSaysSo() {
    RunResult result =
        sandbox.run(
            RunOptions.command("python3", "-c", "print('x' * 100000)").maxOutputBytes(1000));
    assertThat(result.truncated()).isTrue();
    assertThat(result.stdoutBytes()).hasSizeLessThanOrEqualTo(1000);
  }

  @Test
  void execEchoesStdinLineByLineToCallbacksOffTheEventLoop() throws Exception {
    BlockingQueue<String> echoed = new LinkedBlockingQueue<>();
    List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    CompletableFuture<ExecEvent.Exited> exitCallback = new CompletableFuture<>();
    ExecOptions cat =
        ExecOptions.command("cat")
            .openStdin()
            .onStdout(
                text -> {
                  onEventLoop.add(Context.isOnEventLoopThread());
                  echoed.add(text);
                })
            .onExit(exitCallback::complete);
    try (ExecHandle process = sandbox.exec(cat)) {
      assertThat(process.pid()).isPositive();
      process.write("ping\n");
      assertThat(echoed.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("ping\n");
      process.write("é and more\n");
      assertThat(echoed.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("é and more\n");
      process.closeStdin();
      ExecEvent.Exited exit = process.waitFor();
      assertThat(exit.exitCode()).isZero();
      assertThat(exitCallback)
          .as("callbacks ran before waitFor returned")
          .isCompletedWithValue(exit);
      assertThat(process.exitCode().toCompletableFuture().get()).isZero();
    }
    assertThat(onEventLoop).isNotEmpty().containsOnly(false);
  }

  @Test
  void execEventsFlowInOrderToASubscriberThatCameLate() throws Exception {
    ExecHandle process =
        sandbox.exec(
            ExecOptions.command(
                "python3",
                "-c",
                "import sys\n"
                    + "for i in range(3): print(i, flush=True)\n"
                    + "print('e', file=sys.stderr, flush=True)\n"
                    + "sys.exit(4)"));
    assertThat(process.exitCode().toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS))
        .as("the events wait for a subscriber; the exit does not")
        .isEqualTo(4);
    OneAtATime subscriber = new OneAtATime();
    process.events().subscribe(subscriber);
    List<ExecEvent> events = subscriber.done.get(PATIENCE_SECONDS, TimeUnit.SECONDS);

    assertThat(events.getFirst()).isEqualTo(new ExecEvent.Started(process.pid()));
    assertThat(events.getLast()).isEqualTo(new ExecEvent.Exited(4, 0, false, false, false));
    assertThat(text(events, ExecEvent.Stream.STDOUT)).isEqualTo("0\n1\n2\n");
    assertThat(text(events, ExecEvent.Stream.STDERR)).isEqualTo("e\n");
    assertThat(subscriber.onEventLoop).containsOnly(false);

    OneAtATime second = new OneAtATime();
    process.events().subscribe(second);
    assertThat(second.done)
        .failsWithin(PATIENCE_SECONDS, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSignalEndsTheProcess() throws Exception {
    try (ExecHandle sleeper = sandbox.exec(ExecOptions.command("sleep", "600"))) {
      sleeper.signal(15);
      ExecEvent.Exited exit =
          sleeper.exit().toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
      assertThat(exit.signal()).isEqualTo(15);
      assertThat(exit.exitCode()).isEqualTo(128 + 15);
    }
  }

  @Test
  void closingARunningExecEndsItsCall() {
    ExecHandle sleeper = sandbox.exec(ExecOptions.command("sleep", "600"));
    sleeper.close();
    assertThat(sleeper.exit().toCompletableFuture())
        .failsWithin(PATIENCE_SECONDS, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            BastionException.class, e -> assertThat(e.code()).isEqualTo(Code.CANCELLED));
  }

  @Test
  void inputGoesOnlyToAProcessThatTakesIt() {
    try (ExecHandle closed = sandbox.exec(ExecOptions.command("true").onExit(exit -> {}))) {
      assertThatThrownBy(() -> closed.write("x"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("openStdin");
      assertThatThrownBy(closed::events)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("callbacks");
      closed.waitFor();
    }
    try (ExecHandle cat = sandbox.exec(ExecOptions.command("cat").openStdin())) {
      cat.closeStdin();
      cat.waitFor();
      assertRefused(() -> cat.write("late"), Code.FAILED_PRECONDITION, "has ended");
    }
  }

  @Test
  void aBlockingCallOnAnEventLoopIsRefusedAndAnAsyncOneCompletesOffIt() throws Exception {
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    CompletableFuture<String> asyncRun = new CompletableFuture<>();
    vertx.runOnContext(
        ignored -> {
          try {
            sandbox.run("true");
            refusal.complete(null);
          } catch (RuntimeException e) {
            refusal.complete(e);
          }
          sandbox
              .runAsync(RunOptions.command("echo", "hi"))
              .whenComplete(
                  (result, failure) ->
                      asyncRun.complete(Context.isOnEventLoopThread() + " " + result.stdout()));
        });
    assertThat(refusal.get(PATIENCE_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Sandbox.run")
        .hasMessageContaining("event loop");
    assertThat(asyncRun.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("false hi\n");
  }

  private static String text(List<ExecEvent> events, ExecEvent.Stream stream) {
    StringBuilder text = new StringBuilder();
    for (ExecEvent event : events) {
      if (event instanceof ExecEvent.Output output && output.stream() == stream) {
        text.append(output.text());
      }
    }
    return text.toString();
  }

  /** Asks for one event at a time; completes with all of them, or with the stream's failure. */
  private static final class OneAtATime implements Flow.Subscriber<ExecEvent> {
    final List<ExecEvent> events = new CopyOnWriteArrayList<>();
    final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<ExecEvent>> done = new CompletableFuture<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(ExecEvent event) {
      onEventLoop.add(Context.isOnEventLoopThread());
      events.add(event);
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      done.complete(events);
    }
  }
}
