package dev.bastion.client;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** The API's messages as the SDK's values. */
final class Protos {

  private Protos() {}

  static SandboxInfo sandbox(dev.bastion.api.v1.Sandbox sandbox) {
    return new SandboxInfo(
        sandbox.getId(),
        sandbox.getTemplate(),
        sandbox.getWarmPool(),
        sandbox.getLabelsMap(),
        switch (sandbox.getPhase()) {
          case PENDING -> SandboxInfo.Phase.PENDING;
          case READY -> SandboxInfo.Phase.READY;
          case SUSPENDED -> SandboxInfo.Phase.SUSPENDED;
          case FAILED -> SandboxInfo.Phase.FAILED;
          case TERMINATED -> SandboxInfo.Phase.TERMINATED;
          case PHASE_UNSPECIFIED, UNRECOGNIZED -> SandboxInfo.Phase.UNKNOWN;
        },
        sandbox.getLaunchType(),
        sandbox.getRuntime(),
        sandbox.hasCreatedAt() ? instant(sandbox.getCreatedAt()) : null,
        sandbox.hasShutdownTime() ? instant(sandbox.getShutdownTime()) : null,
        sandbox.getMessage());
  }

  static SnapshotInfo snapshot(dev.bastion.api.v1.SandboxSnapshot snapshot) {
    return new SnapshotInfo(
        snapshot.getId(),
        snapshot.getSandboxId(),
        snapshot.getTemplate(),
        snapshot.hasCreatedAt() ? instant(snapshot.getCreatedAt()) : null,
        snapshot.getSizeBytes(),
        snapshot.getLabelsMap());
  }

  static ContextInfo context(dev.bastion.api.v1.CodeContext context) {
    Instant created;
    try {
      created = context.getCreatedAt().isEmpty() ? null : Instant.parse(context.getCreatedAt());
    } catch (java.time.format.DateTimeParseException e) {
      created = null;
    }
    return new ContextInfo(
        context.getId(), context.getLanguage(), context.getCwd(), created, context.getAlive());
  }

  static FileInfo file(dev.bastion.api.v1.FileInfo file) {
    return new FileInfo(
        file.getPath(),
        file.getName(),
        switch (file.getType()) {
          case FILE -> FileInfo.Type.FILE;
          case DIRECTORY -> FileInfo.Type.DIRECTORY;
          case SYMLINK -> FileInfo.Type.SYMLINK;
          case OTHER, TYPE_UNSPECIFIED, UNRECOGNIZED -> FileInfo.Type.OTHER;
        },
        file.getSize(),
        file.getMode(),
        file.hasModifiedAt() ? instant(file.getModifiedAt()) : null,
        file.getSymlinkTarget());
  }

  /** The event, or null for what callers do not see (keepalives, PTY output never asked for). */
  static ExecEvent event(dev.bastion.api.v1.ExecEvent event) {
    return switch (event.getEventCase()) {
      case STARTED -> new ExecEvent.Started(event.getStarted().getPid());
      case STDOUT -> new ExecEvent.Output(ExecEvent.Stream.STDOUT, event.getStdout().toByteArray());
      case STDERR -> new ExecEvent.Output(ExecEvent.Stream.STDERR, event.getStderr().toByteArray());
      case EXITED ->
          new ExecEvent.Exited(
              event.getExited().getExitCode(),
              event.getExited().getSignal(),
              event.getExited().getTimedOut(),
              event.getExited().getOomKilled(),
              event.getExited().getTruncated());
      case PTY, KEEPALIVE, EVENT_NOT_SET -> null;
    };
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
