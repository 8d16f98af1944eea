package dev.bastion.gateway.policy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit log: one JSON line per policy decision, appended by a thread of its own so no event
 * loop ever waits on the disk. Lines queue in memory (bounded) and are written in batches; when the
 * file passes {@code rotateBytes} it becomes {@code <name>.1} (older ones shift up, the oldest of
 * {@code keep} goes). {@link #close} writes every line queued before it and syncs the file, so a
 * clean shutdown loses nothing.
 */
public final class AuditLog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  private static final int QUEUE_LINES = 65_536;
  private static final String STOP = "";

  private final Path file;
  private final long rotateBytes;
  private final int keep;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;
  private BufferedWriter out;
  private long size;

  /**
   * Opens (appends to) {@code file}.
   *
   * @throws IOException when it cannot be created or opened
   */
  public AuditLog(Path file, long rotateBytes, int keep) throws IOException {
    this.file = file;
    this.rotateBytes = rotateBytes;
    this.keep = keep;
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    open();
    writer = Thread.ofPlatform().name("bastion-audit").daemon().start(this::drain);
  }

  /**
   * Queues one line (a JSON object without newlines). Never blocks: when the writer has fallen
   * 65,536 lines behind, the line is counted in {@link #dropped} and a warning logged.
   */
  public void append(String jsonLine) {
    if (closed || !queue.offer(jsonLine)) {
      if (dropped.getAndIncrement() % 10_000 == 0) {
        LOG.warning("audit log " + file + " cannot keep up or is closed: lines dropped");
      }
    }
  }

  /** Lines that could not be queued. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    List<String> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch);
        boolean stop = batch.remove(STOP);
        write(batch);
        batch.clear();
        if (stop) {
          // Lines queued after STOP by appends racing with close() are written too.
          queue.drainTo(batch);
          write(batch);
          out.flush();
          sync();
          out.close();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "audit log " + file + " cannot be written; decisions are lost", e);
    }
  }

  private void write(List<String> lines) throws IOException {
    for (String line : lines) {
      if (size >= rotateBytes) {
        rotate();
      }
      out.write(line);
      out.write('\n');
      size += line.length() + 1;
    }
    out.flush();
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(rotated(keep));
    for (int i = keep - 1; i >= 1; i--) {
      if (Files.exists(rotated(i))) {
        Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    open();
  }

  private Path rotated(int generation) {
    return file.resolveSibling(file.getFileName() + "." + generation);
  }

  private void open() throws IOException {
    out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
    size = Files.size(file);
  }

  private void sync() throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }
}
