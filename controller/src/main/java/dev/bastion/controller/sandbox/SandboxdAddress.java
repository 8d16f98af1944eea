package dev.bastion.controller.sandbox;

import java.nio.file.Path;

/** Where a sandbox's sandboxd answers, and what the gateway must present to it. */
public sealed interface SandboxdAddress {

  /** The secret of this sandbox that sandboxd demands of every call. */
  String token();

  /**
   * A Unix socket in a host directory that the sandbox shares (one machine): every call carries
   * {@code token}, as on TCP, so a socket there that some other server answers refuses it.
   */
  record UnixSocket(Path path, String token) implements SandboxdAddress {
    @Override
    public String toString() {
      return "UnixSocket[" + path + "]"; // never the token: addresses end up in logs
    }
  }

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
