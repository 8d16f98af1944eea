package dev.bastion.sandboxd.kernel;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A kernel's connection file: five TCP ports on the sandbox's loopback and the key that signs every
 * message. sandboxd picks them and writes the file before the kernel starts, so nothing the kernel
 * writes is read back.
 */
public record ConnectionInfo(
    int shell, int iopub, int stdin, int control, int heartbeat, String key) {

  static final String HOST = "127.0.0.1";

  /** Free loopback ports and a fresh random key. */
  public static ConnectionInfo fresh() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new ConnectionInfo(
        freePort(), freePort(), freePort(), freePort(), freePort(), HexFormat.of().formatHex(key));
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return probe.getLocalPort();
    }
  }

  /** The file ipykernel (or any kernel) reads with {@code -f}. */
  public JsonObject file(String kernelName) {
    return new JsonObject()
        .put("ip", HOST)
        .put("transport", "tcp")
        .put("shell_port", shell)
        .put("iopub_port", iopub)
        .put("stdin_port", stdin)
        .put("control_port", control)
        .put("hb_port", heartbeat)
        .put("signature_scheme", "hmac-sha256")
        .put("key", key)
        .put("kernel_name", kernelName);
  }

  String address(int port) {
    return "tcp://" + HOST + ":" + port;
  }
}
