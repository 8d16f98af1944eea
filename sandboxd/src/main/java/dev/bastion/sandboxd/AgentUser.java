package dev.bastion.sandboxd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The user that every process sandboxd starts runs as and that owns every file it creates, given
 * with {@code --run-as UID:GID}. In a sandbox sandboxd runs as another uid, so the agent's code
 * cannot signal, trace or read it; handing processes ({@link ThreadIdentity}) and files over takes
 * the few capabilities the sandbox's bundle grants sandboxd alone (docs/SECURITY.md says why each).
 * Without {@code --run-as} ({@link #SANDBOXD_ITSELF}) processes and files stay sandboxd's own.
 *
 * @param uid the user id, or -1 for sandboxd's own
 * @param gid the group id (the user's only group), or -1 for sandboxd's own
 */
record AgentUser(int uid, int gid) {

  /** No other user: processes and files keep sandboxd's identity. */
  static final AgentUser SANDBOXD_ITSELF = new AgentUser(-1, -1);

  /**
   * Parses {@code UID:GID}.
   *
   * @throws IllegalArgumentException with a one-line message when it is malformed
   */
  static AgentUser parse(String flag, String value) {
    String[] parts = value.split(":", -1);
    try {
      if (parts.length == 2) {
        int uid = Integer.parseInt(parts[0]);
        int gid = Integer.parseInt(parts[1]);
        // 0 would hand the agent root's identity.
        if (uid > 0 && gid > 0) {
          return new AgentUser(uid, gid);
        }
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as any other malformed value.
    }
    throw new IllegalArgumentException(
        flag + " must be UID:GID of an unprivileged user, got " + value);
  }

  /**
   * Hands {@code entry}, which sandboxd just created, to this user: the entry itself, never what a
   * link there points to, since the agent may have put a link where sandboxd writes.
   */
  void own(Path entry) throws IOException {
    if (uid < 0) {
      return;
    }
    Files.setAttribute(entry, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(entry, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
  }
}
