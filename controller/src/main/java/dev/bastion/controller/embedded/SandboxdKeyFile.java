package dev.bastion.controller.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The key embedded sandboxes' tokens are derived from, kept in the state directory (mode 0600) so
 * that sandboxes a restart adopts keep answering the gateway.
 */
public final class SandboxdKeyFile {

  private static final String NAME = "sandboxd.key";
  private static final int KEY_BYTES = 32;

  private SandboxdKeyFile() {}

  /** Reads the key under {@code stateDir}, or makes and stores one when there is none yet. */
  public static byte[] loadOrCreate(Path stateDir) {
    Path file = stateDir.resolve(NAME);
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
          // Created with its mode, never readable by others even for a moment.
          Files.write(
              Files.createFile(
                  file,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              key,
              StandardOpenOption.WRITE);
          return key;
        } catch (FileAlreadyExistsException raced) {
          // Read below: the state directory lock makes this rare.
        }
      }
      byte[] key = Files.readAllBytes(file);
      if (key.length < KEY_BYTES) {
        throw new IllegalStateException(
            file + " holds no key: delete it and restart Bastion (sandboxes get new tokens)");
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
