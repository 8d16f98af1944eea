package dev.bastion.sandboxd;

import static dev.bastion.sandboxd.PosixSpawn.C;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Gives a sandbox restored from a snapshot the hostname of the Sandbox it now is: gVisor restores
 * the one that was saved, whatever the new bundle says. The host names it in a file next to the
 * token. sethostname needs CAP_SYS_ADMIN, which sandboxd holds in its permitted set only: this
 * thread takes it up for the one call and lays it down again.
 */
final class RestoredHostname {

  private static final int CAP_SYS_ADMIN = 21;
  private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
  // A DNS label or name, as Sandbox names are: nothing that could surprise a shell prompt.
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,62})");

  private RestoredHostname() {}

  /**
   * Sets the hostname named in {@code file} unless it is that already; a missing file changes
   * nothing (a sandbox that was never restored).
   *
   * @throws IllegalArgumentException with one sentence when the name cannot be set
   */
  static void apply(Path file, Path current) {
    String wanted;
    try {
      if (!Files.exists(file)) {
        return;
      }
      wanted = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (wanted.equals(Files.readString(current, StandardCharsets.UTF_8).strip())) {
        return;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the hostname file " + file + " cannot be read");
    }
    if (!VALID.matcher(wanted).matches()) {
      throw new IllegalArgumentException("the hostname file " + file + " holds no valid name");
    }
    byte[] name = wanted.getBytes(StandardCharsets.US_ASCII);
    int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
    int[] sets = new int[6]; // effective, permitted, inheritable; for capabilities 0-31, 32-63
    C.capget(header, sets);
    int withoutIt = sets[0];
    sets[0] |= 1 << CAP_SYS_ADMIN;
    try {
      C.capset(header, sets);
      Libc.C.sethostname(name, new NativeLong(name.length));
    } catch (LastErrorException e) {
      throw new IllegalArgumentException(
          "cannot set the hostname: " + C.strerror(e.getErrorCode()));
    } finally {
      sets[0] = withoutIt;
      C.capset(header, sets);
    }
  }
}
