package dev.bastion.controller.sandbox;

/**
 * How much each tenant may keep in snapshots: each holds a memory image and a copy of /workspace on
 * the server's disk.
 */
public record SnapshotQuota(int maxPerTenant, long maxBytesPerTenant) {

  /** Twenty snapshots and 20 GiB per tenant. */
  public static final SnapshotQuota DEFAULT = new SnapshotQuota(20, 20L << 30);

  /**
   * Refuses one more snapshot for a tenant that keeps (or is taking) {@code count} of {@code bytes}
   * in all.
   *
   * @throws SandboxError RESOURCE_EXHAUSTED saying which bound it reached
   */
  void admitAnother(int count, long bytes) {
    if (count >= maxPerTenant) {
      throw SandboxError.exhausted(
          "a tenant may keep at most " + maxPerTenant + " snapshots; delete one first");
    }
    if (bytes >= maxBytesPerTenant) {
      throw SandboxError.exhausted(
          "the tenant's snapshots hold "
              + bytes
              + " bytes, at or above the "
              + maxBytesPerTenant
              + " allowed; delete one first");
    }
  }
}
