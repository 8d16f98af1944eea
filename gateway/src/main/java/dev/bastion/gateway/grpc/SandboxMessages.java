package dev.bastion.gateway.grpc;

import com.google.protobuf.Timestamp;
import dev.bastion.api.v1.Sandbox;
import dev.bastion.api.v1.SandboxSnapshot;
import dev.bastion.controller.sandbox.SandboxView;
import dev.bastion.controller.sandbox.SnapshotView;
import java.time.Instant;

/** Converts stored sandboxes and snapshots into their API form. */
final class SandboxMessages {
  private SandboxMessages() {}

  static Sandbox toProto(SandboxView record) {
    Sandbox.Builder sandbox =
        Sandbox.newBuilder()
            .setId(record.id())
            .setTemplate(record.template())
            .setWarmPool(record.warmPool())
            .putAllLabels(record.labels())
            .setPhase(Sandbox.Phase.valueOf(record.phase().name()))
            .setLaunchType(record.launchType())
            .setRuntime(record.runtime())
            .setCreatedAt(timestamp(record.createdAt()))
            .setMessage(record.message());
    if (record.shutdownTime() != null) {
      sandbox.setShutdownTime(timestamp(record.shutdownTime()));
    }
    return sandbox.build();
  }

  static SandboxSnapshot toProto(SnapshotView snapshot) {
    return SandboxSnapshot.newBuilder()
        .setId(snapshot.id())
        .setSandboxId(snapshot.sandboxId())
        .setTemplate(snapshot.template())
        .setCreatedAt(timestamp(snapshot.createdAt()))
        .setSizeBytes(snapshot.sizeBytes())
        .putAllLabels(snapshot.labels())
        .build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
