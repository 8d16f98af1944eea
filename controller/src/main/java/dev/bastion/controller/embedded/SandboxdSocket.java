package dev.bastion.controller.embedded;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Probes of a sandboxd's Unix socket from the host. */
final class SandboxdSocket {

  private SandboxdSocket() {}

  /**
   * Whether sandboxd answers on its socket. The file alone is not enough: it appears when sandboxd
   * binds, a moment before it listens, and stays while sandboxd has closed it for a checkpoint. A
   * link there is not sandboxd's socket and is not followed.
   */
  static boolean accepts(Path socket) {
    try {
      if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isOther()) {
        return false;
      }
    } catch (IOException absent) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException notListening) {
      return false;
    }
  }
}
