package dev.bastion.sandboxd;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Creates a directory and the ancestors it lacks, like {@code mkdir -p}, handing each one it
 * creates to the agent's user: sandboxd runs as another user, and a directory left as its own would
 * be one the agent's code cannot write in.
 */
final class NewDirectories {

  private NewDirectories() {}

  /**
   * Creates {@code dir} (a host path inside the workspace, already confined) and its missing
   * ancestors, each owned by {@code owner}. An existing directory is fine; an existing file in the
   * way fails with {@link FileAlreadyExistsException}.
   */
  static void create(Path dir, AgentUser owner) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir;
        p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing.push(p);
    }
    if (missing.isEmpty() && !Files.isDirectory(dir)) {
      throw new FileAlreadyExistsException(dir.toString());
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
      } catch (FileAlreadyExistsException e) {
        // Made meanwhile, by the agent's code or a concurrent call: it is a directory or it fails
        // the next step.
        continue;
      }
      owner.own(p);
    }
  }
}
