package dev.bastion.gateway.console;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The most recent decisions in the audit log about one tenant's sandbox, newest first, read
 * backwards from the end of the current file. The console asks on every refresh, so the read is
 * bounded: at most {@link #SCAN_BYTES} from the end are looked at, and older decisions (or ones
 * already rotated into {@code audit.jsonl.1}) are not shown. Blocking: call it off the event loop.
 */
final class AuditTail {

  /** How far back from the end of the file decisions are looked for. */
  static final int SCAN_BYTES = 8 * 1024 * 1024;

  private static final int BLOCK = 64 * 1024;

  private final Path file;

  AuditTail(Path file) {
    this.file = file;
  }

  /**
   * Up to {@code limit} decisions made for {@code tenant} about {@code sandboxId}, newest first;
   * empty when there is no audit log (yet).
   */
  Optional<List<JsonObject>> recent(String tenant, String sandboxId, int limit) throws IOException {
    List<JsonObject> found = new ArrayList<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      long stop = Math.max(0, end - SCAN_BYTES);
      long position = end;
      byte[] carry = new byte[0];
      while (position > stop && found.size() < limit) {
        int length = (int) Math.min(BLOCK, position - stop);
        position -= length;
        byte[] block = new byte[length + carry.length];
        in.seek(position);
        in.readFully(block, 0, length);
        System.arraycopy(carry, 0, block, length, carry.length);
        // Lines end at '\n'. The text before the block's first one may have begun in the block
        // before: it is carried over, or taken whole once the scan reaches the file's start.
        int firstBreak = firstLineBreak(block);
        int lineEnd = block.length;
        for (int i = block.length - 1; i >= firstBreak && found.size() < limit; i--) {
          if (block[i] == '\n') {
            match(block, i + 1, lineEnd, tenant, sandboxId).ifPresent(found::add);
            lineEnd = i;
          }
        }
        carry = Arrays.copyOfRange(block, 0, lineEnd);
        if (position == 0 && found.size() < limit) {
          match(carry, 0, carry.length, tenant, sandboxId).ifPresent(found::add);
        }
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  private static int firstLineBreak(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }

  private static Optional<JsonObject> match(
      byte[] bytes, int from, int to, String tenant, String sandboxId) {
    if (to <= from) {
      return Optional.empty();
    }
    try {
      JsonObject line = new JsonObject(new String(bytes, from, to - from, StandardCharsets.UTF_8));
      return tenant.equals(line.getString("tenant")) && sandboxId.equals(line.getString("sandbox"))
          ? Optional.of(line)
          : Optional.empty();
    } catch (DecodeException | ClassCastException e) {
      // A line cut by the scan's start, or half-written at the end: not a decision to show.
      return Optional.empty();
    }
  }
}
