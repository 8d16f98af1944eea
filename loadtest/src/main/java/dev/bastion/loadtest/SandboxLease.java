package dev.bastion.loadtest;

/** A sandbox the benchmark created; closing it deletes it, so no run leaves sandboxes behind. */
final class SandboxLease implements AutoCloseable {

  private final BastionClient client;
  private final String id;

  SandboxLease(BastionClient client, String id) {
    this.client = client;
    this.id = id;
  }

  String id() {
    return id;
  }

  @Override
  public void close() {
    client.delete(id);
  }
}
