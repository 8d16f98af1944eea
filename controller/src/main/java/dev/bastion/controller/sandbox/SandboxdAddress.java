package dev.bastion.controller.sandbox;

import java.nio.file.Path;

/** Where a sandbox's sandboxd answers, and what the gateway must present to it. */
public sealed interface SandboxdAddress {

  /** A Unix socket in a host directory only the gateway can open (one machine). */
  record UnixSocket(Path path) implements SandboxdAddress {}

  /**
   * The pod's address on the cluster network (Kubernetes): every call carries {@code token}, a
   * secret of this sandbox that only the gateway can derive.
   */
  record Tcp(String host, int port, String token) implements SandboxdAddress {
    @Override
    public String toString() {
      return "Tcp[" + host + ":" + port + "]"; // never the token: addresses end up in logs
    }
  }
}
