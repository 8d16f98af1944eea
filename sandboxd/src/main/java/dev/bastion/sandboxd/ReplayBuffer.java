package dev.bastion.sandboxd;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.ExecEvent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent output of one process, bounded in bytes, so a client that re-attaches with
 * Connect sees what it missed. Oldest chunks are evicted first; a chunk that alone exceeds the
 * capacity keeps only its tail. Not thread-safe: used on the event loop.
 */
final class ReplayBuffer {

  private final int capacity;
  private final ArrayDeque<ExecEvent> events = new ArrayDeque<>();
  private long size;

  ReplayBuffer(int capacity) {
    this.capacity = capacity;
  }

  /** Appends a stdout, stderr or pty event. */
  void add(ExecEvent event) {
    ByteString data = OutputKind.payload(event);
    if (data.size() > capacity) {
      data = data.substring(data.size() - capacity);
      event = OutputKind.of(event).event(data);
    }
    if (data.isEmpty()) {
      return;
    }
    events.addLast(event);
    size += data.size();
    while (size > capacity) {
      size -= OutputKind.payload(events.removeFirst()).size();
    }
  }

  /** The buffered events, oldest first. */
  List<ExecEvent> snapshot() {
    return List.copyOf(events);
  }
}
