package dev.bastion.client;

import dev.bastion.api.v1.CodeEvent;
import dev.bastion.api.v1.ContextsGrpcClient;
import dev.bastion.api.v1.DeleteSandboxRequest;
import dev.bastion.api.v1.GetSandboxRequest;
import dev.bastion.api.v1.ProcessesGrpcClient;
import dev.bastion.api.v1.ResumeSandboxRequest;
import dev.bastion.api.v1.SandboxesGrpcClient;
import dev.bastion.api.v1.SnapshotRequest;
import dev.bastion.api.v1.SuspendSandboxRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One of your sandboxes: run commands in it, stream processes, run code where the previous cell
 * left off, use its files, suspend, resume and delete it. Closing it deletes it, so {@code try
 * (Sandbox s = ...)} leaves nothing behind. Thread-safe.
 */
public final class Sandbox implements AutoCloseable {

  private final Transport transport;
  private final String id;
  private final SandboxFiles files;
  private final SandboxContexts contexts;
  private final AtomicBoolean deleted = new AtomicBoolean();
  private volatile SandboxInfo info;

  Sandbox(Transport transport, SandboxInfo info) {
    this.transport = transport;
    this.id = info.id();
    this.info = info;
    this.files = new SandboxFiles(transport, id);
    this.contexts = new SandboxContexts(transport, id);
  }

  public String id() {
    return id;
  }

  /** The sandbox as the server last described it to this handle. */
  public SandboxInfo info() {
    return info;
  }

  /** Asks the server how the sandbox is now. */
  public SandboxInfo refresh() {
    return lifecycle(
        "Sandbox.refresh",
        () ->
            transport.unary(
                SandboxesGrpcClient.Get, GetSandboxRequest.newBuilder().setSandboxId(id).build()));
  }

  /** Runs {@code argv} to its end; the output comes back whole. */
  public RunResult run(String... argv) {
    return run(RunOptions.command(argv));
  }

  /** Runs a command to its end; the output comes back whole, up to the output cap. */
  public RunResult run(RunOptions options) {
    return Handoff.await("Sandbox.run", () -> running(options));
  }

  /** {@link #run(RunOptions)} without waiting; the stage completes on the SDK's executor. */
  public CompletionStage<RunResult> runAsync(RunOptions options) {
    return Handoff.async(running(options), transport.executor());
  }

  /** Starts a process and returns once it runs; its output streams while it does. */
  public ExecHandle exec(ExecOptions options) {
    return Handoff.await("Sandbox.exec", () -> starting(options));
  }

  /** {@link #exec(ExecOptions)} without waiting; the stage completes once the process runs. */
  public CompletionStage<ExecHandle> execAsync(ExecOptions options) {
    return Handoff.async(starting(options), transport.executor());
  }

  /**
   * Runs a Python cell in the sandbox's default context, where the previous cell left off, and
   * returns what it did once it ends; an exception it raised is {@link Execution#error()}, not a
   * thrown one.
   */
  public Execution runCode(String code) {
    return runCode(CodeOptions.code(code));
  }

  /** Runs a cell where {@code options} say and returns what it did once it ends. */
  public Execution runCode(CodeOptions options) {
    return Handoff.await("Sandbox.runCode", () -> runningCode(options));
  }

  /** {@link #runCode(CodeOptions)} without waiting; the stage completes on the SDK's executor. */
  public CompletionStage<Execution> runCodeAsync(CodeOptions options) {
    return Handoff.async(runningCode(options), transport.executor());
  }

  /** The sandbox's code contexts. */
  public SandboxContexts contexts() {
    return contexts;
  }

  /** The files of the sandbox's {@code /workspace}. */
  public SandboxFiles files() {
    return files;
  }

  /**
   * Stops the sandbox and keeps its {@code /workspace} (in embedded mode also its memory and
   * processes); calls fail until {@link #resume()}.
   */
  public SandboxInfo suspend() {
    return lifecycle(
        "Sandbox.suspend",
        () ->
            transport.unary(
                SandboxesGrpcClient.Suspend,
                SuspendSandboxRequest.newBuilder().setSandboxId(id).build()));
  }

  /**
   * Starts the sandbox again with the same id, hostname and {@code /workspace}; in embedded mode
   * its processes continue where {@link #suspend()} left them.
   */
  public SandboxInfo resume() {
    return lifecycle(
        "Sandbox.resume",
        () ->
            transport.unary(
                SandboxesGrpcClient.Resume,
                ResumeSandboxRequest.newBuilder().setSandboxId(id).build()));
  }

  /**
   * Saves the sandbox's memory, processes and {@code /workspace}; it runs on. Create copies with
   * {@link SandboxSpec#snapshot(String)}. Embedded mode only (UNIMPLEMENTED on Kubernetes).
   */
  public SnapshotInfo snapshot() {
    return Protos.snapshot(
        Handoff.await(
            "Sandbox.snapshot",
            () ->
                transport.unary(
                    SandboxesGrpcClient.Snapshot,
                    SnapshotRequest.newBuilder().setSandboxId(id).build())));
  }

  /** Stops the sandbox and removes it with its workspace. */
  public void delete() {
    Handoff.await("Sandbox.delete", this::deleting);
  }

  /** {@link #delete()} without waiting. */
  public CompletionStage<Void> deleteAsync() {
    return Handoff.async(deleting(), transport.executor());
  }

  /**
   * Deletes the sandbox unless it is deleted already; one that is gone (deleted elsewhere, or past
   * its lifetime) is fine.
   */
  @Override
  public void close() {
    if (deleted.get()) {
      return;
    }
    try {
      delete();
    } catch (BastionException e) {
      if (e.code() != BastionException.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  private Future<RunResult> running(RunOptions options) {
    return transport.unary(ProcessesGrpcClient.Run, options.toRequest(id)).map(RunResult::new);
  }

  private Future<Execution> runningCode(CodeOptions options) {
    List<CodeEvent> events = new ArrayList<>();
    return transport
        .download(ContextsGrpcClient.RunCode, options.toRequest(id), events::add)
        .map(done -> Execution.of(events));
  }

  private Future<ExecHandle> starting(ExecOptions options) {
    ExecStream stream = new ExecStream(transport, options.toStart(id));
    if (options.hasCallbacks()) {
      stream.events().subscribe(new CallbackSubscriber(options));
    }
    return stream.started().map(pid -> new ExecHandle(stream, pid, options));
  }

  private Future<Void> deleting() {
    return transport
        .unary(
            SandboxesGrpcClient.Delete, DeleteSandboxRequest.newBuilder().setSandboxId(id).build())
        .<Void>mapEmpty()
        .onSuccess(done -> deleted.set(true));
  }

  private SandboxInfo lifecycle(String what, Supplier<Future<dev.bastion.api.v1.Sandbox>> call) {
    SandboxInfo now = Protos.sandbox(Handoff.await(what, call));
    info = now;
    return now;
  }

  @Override
  public String toString() {
    return "Sandbox[" + id + "]";
  }
}
