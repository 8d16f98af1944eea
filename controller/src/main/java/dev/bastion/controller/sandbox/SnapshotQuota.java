package dev.bastion.controller.sandbox;

/**
 * How much each tenant may keep in snapshots: each holds a memory image and a copy of /workspace on
 * the server's disk.
 */
public record SnapshotQuota(int maxPerTenant, long maxBytesPerTenant) {

  /** Twenty snapshots and 20 GiB per tenant. */
  public static final SnapshotQuota DEFAULT = new SnapshotQuota(20, 20L << 30);
}
