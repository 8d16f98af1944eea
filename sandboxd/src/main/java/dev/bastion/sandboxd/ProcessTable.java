package dev.bastion.sandboxd;

import dev.bastion.api.v1.ProcessInfo;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The processes sandboxd started: running ones, and the last {@value #EXITED_HISTORY} that exited.
 * Tags are unique among running processes. Not thread-safe: used on the event loop.
 */
final class ProcessTable {

  static final int EXITED_HISTORY = 100;

  private final Map<Integer, ManagedProcess> running = new LinkedHashMap<>();
  private final Set<String> tagsInUse = new HashSet<>();
  // Newest first.
  private final ArrayDeque<ManagedProcess> exited = new ArrayDeque<>();

  /** Claims {@code tag} for a process about to start; an empty tag claims nothing. */
  void reserveTag(String tag) throws StatusException {
    if (!tag.isEmpty() && !tagsInUse.add(tag)) {
      throw new StatusException(GrpcStatus.ALREADY_EXISTS, "tag " + tag + " is in use");
    }
  }

  /** Gives back a tag whose process never started or has exited. */
  void releaseTag(String tag) {
    tagsInUse.remove(tag);
  }

  /** Tracks a started process until it exits, then remembers it in the history. */
  void add(ManagedProcess process) {
    running.put(process.pid(), process);
    process
        .exitFuture()
        .onComplete(
            done -> {
              running.remove(process.pid());
              releaseTag(process.tag());
              exited.addFirst(process);
              if (exited.size() > EXITED_HISTORY) {
                exited.removeLast();
              }
            });
  }

  Optional<ManagedProcess> byPid(int pid) {
    return all().filter(p -> p.pid() == pid).findFirst();
  }

  /** The running process with {@code tag}, else the most recent exited one. */
  Optional<ManagedProcess> byTag(String tag) {
    return all().filter(p -> !tag.isEmpty() && p.tag().equals(tag)).findFirst();
  }

  List<ProcessInfo> list() {
    return all()
        .map(ManagedProcess::info)
        .sorted(
            Comparator.comparingLong(ProcessInfo::getStartedAtMs)
                .thenComparingInt(ProcessInfo::getPid))
        .toList();
  }

  private Stream<ManagedProcess> all() {
    return Stream.concat(running.values().stream(), exited.stream());
  }
}
