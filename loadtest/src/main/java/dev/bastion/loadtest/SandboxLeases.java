package dev.bastion.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Several sandboxes a benchmark created; closing deletes them all, so no run leaves sandboxes
 * behind, also when making one of them failed.
 */
final class SandboxLeases implements AutoCloseable {

  private final List<SandboxLease> leases;

  private SandboxLeases(List<SandboxLease> leases) {
    this.leases = leases;
  }

  /** Creates {@code count} cold sandboxes one after another; blocks until all are READY. */
  static SandboxLeases create(BastionClient client, int count) {
    List<SandboxLease> made = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        made.add(client.create());
      }
    } catch (RuntimeException e) {
      made.forEach(SandboxLease::close);
      throw e;
    }
    return new SandboxLeases(List.copyOf(made));
  }

  List<String> ids() {
    return leases.stream().map(SandboxLease::id).toList();
  }

  @Override
  public void close() {
    leases.forEach(SandboxLease::close);
  }
}
