package dev.bastion.gateway.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per state directory: two would both manage, recover and expire the same sandboxes. The
 * lock is the kernel's, so it goes away with the process however the process ends.
 */
final class StateDirLock implements AutoCloseable {

  private final FileChannel channel;

  private StateDirLock(FileChannel channel) {
    this.channel = channel;
  }

  static StateDirLock acquire(Path stateDir) {
    try {
      Files.createDirectories(stateDir);
      FileChannel channel =
          FileChannel.open(
              stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException inThisProcess) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new StartupException(
            "another Bastion server is using the state directory "
                + stateDir
                + ": stop it, or pass another --state-dir");
      }
      return new StateDirLock(channel);
    } catch (IOException e) {
      throw new StartupException(
          "cannot use the state directory " + stateDir + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing releases the lock; if even that fails the process exit will.
    }
  }
}
