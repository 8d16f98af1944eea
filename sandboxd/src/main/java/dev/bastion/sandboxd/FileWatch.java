package dev.bastion.sandboxd;

import dev.bastion.api.v1.FileEvent;
import dev.bastion.api.v1.WatchFilesRequest;
import dev.bastion.sandboxd.WorkspacePaths.WorkspacePath;
import io.vertx.core.Context;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One Watch call: streams changes below a workspace directory until the client goes away. The
 * kernel's inotify does the watching (gVisor implements it); a virtual thread waits for events and
 * hands them to the call's event loop. A client that falls behind by more than {@link #MAX_PENDING}
 * events is ended with RESOURCE_EXHAUSTED rather than buffered for.
 */
final class FileWatch {

  static final int MAX_PENDING = 1024;
  static final int MAX_DIRECTORIES = 1000;

  private final GrpcServerRequest<WatchFilesRequest, FileEvent> request;
  private final GrpcServerResponse<WatchFilesRequest, FileEvent> response;
  private final WorkspacePaths paths;
  private final Context context;
  private final AtomicInteger pending = new AtomicInteger();
  private final Map<WatchKey, WorkspacePath> directories = new HashMap<>();
  private volatile WatchService watcher;
  private boolean recursive;
  private volatile boolean ended;

  FileWatch(
      GrpcServerRequest<WatchFilesRequest, FileEvent> request,
      WorkspacePaths paths,
      Context context) {
    this.request = request;
    this.response = request.response();
    this.paths = paths;
    this.context = context;
  }

  void start() {
    GrpcErrors.whenClientGone(request, this::close);
    request.handler(
        message -> {
          recursive = message.getRecursive();
          Thread.ofVirtual().name("watch").start(() -> run(message.getPath()));
        });
  }

  /** Registers the directories, then relays events until the watcher is closed. */
  private void run(String clientPath) {
    try {
      WorkspacePath root = paths.resolveFollowing(clientPath.isEmpty() ? "/workspace" : clientPath);
      if (!Files.isDirectory(root.host())) {
        throw GrpcErrors.invalid("watch needs a directory; " + clientPath + " is not one");
      }
      watcher = FileSystems.getDefault().newWatchService();
      if (ended) {
        // The client left while the watcher was being made; close() may not have seen it.
        watcher.close();
        return;
      }
      register(root);
      // Headers now, so the client knows the watch is in place before the first change.
      context.runOnContext(v -> response.writeHead());
      while (true) {
        WatchKey key = watcher.take();
        WorkspacePath directory = directories.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
          relay(directory, event);
        }
        if (!key.reset()) {
          directories.remove(key);
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException closed) {
      // The client went away.
    } catch (StatusException e) {
      end(e);
    } catch (IOException e) {
      end(GrpcErrors.io(e, clientPath));
    }
  }

  private void register(WorkspacePath directory) throws IOException, StatusException {
    if (directories.size() >= MAX_DIRECTORIES) {
      throw new StatusException(
          GrpcStatus.RESOURCE_EXHAUSTED,
          "watch covers more than " + MAX_DIRECTORIES + " directories; watch a smaller tree");
    }
    WatchKey key =
        directory
            .host()
            .register(
                watcher,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    directories.put(key, directory);
    if (recursive) {
      try (Stream<Path> children = Files.list(directory.host())) {
        for (Path child : children.toList()) {
          if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
            register(directory.child(child.getFileName()));
          }
        }
      }
    }
  }

  private void relay(WorkspacePath directory, WatchEvent<?> event)
      throws IOException, StatusException {
    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
      throw new StatusException(
          GrpcStatus.RESOURCE_EXHAUSTED, "too many changes at once; watch again");
    }
    WorkspacePath changed = directory.child((Path) event.context());
    FileEvent.Type type =
        event.kind() == StandardWatchEventKinds.ENTRY_CREATE
            ? FileEvent.Type.CREATED
            : event.kind() == StandardWatchEventKinds.ENTRY_DELETE
                ? FileEvent.Type.DELETED
                : FileEvent.Type.MODIFIED;
    if (type == FileEvent.Type.CREATED
        && recursive
        && Files.isDirectory(changed.host(), LinkOption.NOFOLLOW_LINKS)) {
      register(changed);
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      throw new StatusException(
          GrpcStatus.RESOURCE_EXHAUSTED, "the client fell behind the changes; watch again");
    }
    FileEvent message = FileEvent.newBuilder().setType(type).setPath(changed.logical()).build();
    context.runOnContext(
        v -> {
          pending.decrementAndGet();
          if (ended) {
            return;
          }
          if (response.writeQueueFull()) {
            end(
                new StatusException(
                    GrpcStatus.RESOURCE_EXHAUSTED,
                    "the client fell behind the changes; watch again"));
          } else {
            response.write(message);
          }
        });
  }

  private void end(StatusException status) {
    context.runOnContext(
        v -> {
          if (!ended) {
            close();
            GrpcErrors.fail(response, status);
          }
        });
  }

  private void close() {
    ended = true;
    WatchService current = watcher;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        // Closing an inotify descriptor does not fail in a way anyone could act on.
      }
    }
  }
}
