package dev.bastion.controller.image;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops an image tool by what it writes, not by what it was given: a layer of a few megabytes can
 * unpack to the whole disk. Also stops it when the thread that waits for it is interrupted. While
 * the tool runs, the store's file system is looked at five times a second; the tool is killed once
 * it has used more than one image may, or once less than the reserve is left for everything else on
 * that disk (workspaces, the store itself).
 *
 * @param what what the tool makes, e.g. "image r/app:1", for the message when it is stopped
 * @param store a path on the store's file system
 * @param maxBytes the most one pull, load or unpack may write
 * @param reserveBytes what must stay free on that file system
 */
record DiskGuard(String what, Path store, long maxBytes, long reserveBytes) {

  private static final long PERIOD_MILLIS = 200;

  /**
   * Watches {@code process} on a thread of its own until it ends.
   *
   * @return where the reason it was stopped appears, if it was
   */
  AtomicReference<String> watch(Process process) {
    AtomicReference<String> stopped = new AtomicReference<>();
    // The thread waiting for the tool: interrupted when the server stops, which must not wait for
    // a pull that could take minutes.
    Thread owner = Thread.currentThread();
    FileStore disk;
    long freeAtStart;
    try {
      disk = Files.getFileStore(store);
      freeAtStart = disk.getUsableSpace();
    } catch (IOException e) {
      throw new ImageFailure("the image store's disk cannot be read");
    }
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (!process.waitFor(PERIOD_MILLIS, TimeUnit.MILLISECONDS)) {
                  if (owner.isInterrupted()) {
                    stopped.set(what + " was stopped: the server is stopping");
                    process.destroyForcibly();
                    return;
                  }
                  long free = disk.getUsableSpace();
                  String reason = reason(freeAtStart, free);
                  if (reason != null) {
                    stopped.set(what + " was stopped: " + reason);
                    process.destroyForcibly();
                    return;
                  }
                }
              } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
                stopped.set(what + " was stopped: its disk could no longer be watched");
              }
            },
            "bastion-image-disk-guard");
    watcher.setDaemon(true);
    watcher.start();
    return stopped;
  }

  /** Why a tool that started with {@code freeAtStart} bytes free must stop now, or null. */
  String reason(long freeAtStart, long free) {
    if (freeAtStart - free > maxBytes) {
      return "it is larger than the " + (maxBytes >> 20) + " MiB an image may take here";
    }
    if (free < reserveBytes) {
      return "the disk would have less than " + (reserveBytes >> 20) + " MiB left";
    }
    return null;
  }
}
