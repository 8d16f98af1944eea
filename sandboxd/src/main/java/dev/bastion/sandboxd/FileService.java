package dev.bastion.sandboxd;

import com.google.protobuf.UnsafeByteOperations;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcService;
import dev.bastion.api.v1.ListFilesResponse;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.RemoveFileResponse;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.sandboxd.WorkspacePaths.WorkspacePath;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * The bastion.v1.Files service. Every path goes through {@link WorkspacePaths}; all file I/O runs
 * on worker threads or through Vert.x's async file API, never on the event loop.
 */
final class FileService {

  static final int MAX_LIST_DEPTH = 10;
  static final int MAX_LIST_ENTRIES = 10_000;
  private static final int READ_CHUNK_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final WorkspacePaths paths;
  private final long maxFileBytes;
  private final AgentUser owner;

  /**
   * @param owner the user every file and directory it creates is handed to
   */
  FileService(Vertx vertx, WorkspacePaths paths, long maxFileBytes, AgentUser owner) {
    this.vertx = vertx;
    this.paths = paths;
    this.maxFileBytes = maxFileBytes;
    this.owner = owner;
  }

  void bind(GrpcServer server) {
    server.callHandler(FilesGrpcService.Read, this::read);
    server.callHandler(
        FilesGrpcService.Write,
        request -> new FileUpload(vertx, paths, maxFileBytes, owner, request).start());
    unary(server, FilesGrpcService.List, r -> list(r.getPath(), r.getDepth()));
    unary(server, FilesGrpcService.Stat, this::stat);
    unary(server, FilesGrpcService.Remove, this::remove);
    unary(server, FilesGrpcService.MakeDir, this::makeDir);
    unary(server, FilesGrpcService.Move, this::move);
    server.callHandler(
        FilesGrpcService.Watch,
        request -> new FileWatch(request, paths, vertx.getOrCreateContext()).start());
  }

  /** A blocking file operation behind a unary call. */
  private interface FileOperation<Req, Resp> {
    Resp apply(Req request) throws StatusException;
  }

  private <Req, Resp> void unary(
      GrpcServer server,
      io.vertx.grpc.common.ServiceMethod<Req, Resp> method,
      FileOperation<Req, Resp> operation) {
    GrpcErrors.unary(
        server, method, message -> vertx.executeBlocking(() -> operation.apply(message), false));
  }

  private void read(GrpcServerRequest<ReadFileRequest, FileChunk> request) {
    request
        .last()
        .compose(
            read ->
                vertx
                    .executeBlocking(() -> readable(read), false)
                    .compose(
                        file ->
                            vertx
                                .fileSystem()
                                .open(
                                    file.toString(),
                                    new OpenOptions().setRead(true).setCreate(false)))
                    .map(file -> stream(request, read, file)))
        .onFailure(e -> GrpcErrors.fail(request.response(), e));
  }

  /** Checks what Read needs before opening: a confined, existing, regular file and sane bounds. */
  private Path readable(ReadFileRequest read) throws StatusException {
    if (read.getOffset() < 0 || read.getLimit() < 0) {
      throw GrpcErrors.invalid("offset and limit must not be negative");
    }
    Path file = paths.resolveFollowing(read.getPath()).host();
    if (Files.isDirectory(file)) {
      throw GrpcErrors.invalid(read.getPath() + " is a directory");
    }
    if (!Files.exists(file)) {
      throw GrpcErrors.notFound(read.getPath() + " does not exist");
    }
    return file;
  }

  private Void stream(
      GrpcServerRequest<ReadFileRequest, FileChunk> request, ReadFileRequest read, AsyncFile file) {
    var response = request.response();
    file.setReadBufferSize(READ_CHUNK_BYTES).setReadPos(read.getOffset());
    if (read.getLimit() > 0) {
      file.setReadLength(read.getLimit());
    }
    response.drainHandler(v -> file.resume());
    GrpcErrors.whenClientGone(request, file::close);
    file.handler(
        buffer -> {
          response.write(
              FileChunk.newBuilder()
                  .setData(UnsafeByteOperations.unsafeWrap(buffer.getBytes()))
                  .build());
          if (response.writeQueueFull()) {
            file.pause();
          }
        });
    file.endHandler(
        v -> {
          file.close();
          response.end();
        });
    file.exceptionHandler(
        e -> {
          file.close();
          GrpcErrors.fail(
              response,
              GrpcErrors.io(e instanceof IOException io ? io : new IOException(e), read.getPath()));
        });
    return null;
  }

  private ListFilesResponse list(String clientPath, int depth) throws StatusException {
    if (depth < 0 || depth > MAX_LIST_DEPTH) {
      throw GrpcErrors.invalid("depth must be between 0 and " + MAX_LIST_DEPTH);
    }
    WorkspacePath root = paths.resolveFollowing(clientPath);
    if (!Files.exists(root.host())) {
      throw GrpcErrors.notFound(clientPath + " does not exist");
    }
    if (!Files.isDirectory(root.host())) {
      throw GrpcErrors.invalid(clientPath + " is not a directory");
    }
    List<FileInfo> entries = new ArrayList<>();
    try {
      // No FOLLOW_LINKS: a symlinked directory is listed as a link, never descended into.
      Files.walkFileTree(
          root.host(),
          EnumSet.noneOf(FileVisitOption.class),
          Math.max(1, depth),
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (!dir.equals(root.host())) {
                add(dir);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              add(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              // Vanished or unreadable while walking: leave it out rather than fail the listing.
              return FileVisitResult.CONTINUE;
            }

            private void add(Path path) throws IOException {
              if (entries.size() >= MAX_LIST_ENTRIES) {
                throw new TooManyEntries();
              }
              entries.add(FileInfos.of(root.child(root.host().relativize(path))));
            }
          });
    } catch (TooManyEntries e) {
      throw new StatusException(
          GrpcStatus.RESOURCE_EXHAUSTED,
          clientPath
              + " has more than "
              + MAX_LIST_ENTRIES
              + " entries; list with a smaller depth");
    } catch (IOException e) {
      throw GrpcErrors.io(e, clientPath);
    }
    entries.sort(Comparator.comparing(FileInfo::getPath));
    return ListFilesResponse.newBuilder().addAllFiles(entries).build();
  }

  /** Thrown out of the tree walk to stop it; carries no stack trace. */
  private static final class TooManyEntries extends IOException {
    TooManyEntries() {
      super(null, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private RemoveFileResponse remove(RemoveFileRequest remove) throws StatusException {
    WorkspacePath target = entry(remove.getPath());
    if (target.isRoot()) {
      throw GrpcErrors.invalid("refusing to remove " + WorkspacePaths.ROOT);
    }
    try {
      if (remove.getRecursive() && Files.isDirectory(target.host(), LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(target.host());
      } else {
        Files.delete(target.host());
      }
    } catch (IOException e) {
      throw GrpcErrors.io(e, remove.getPath());
    }
    return RemoveFileResponse.getDefaultInstance();
  }

  /** Deletes a directory tree; symlinks inside are removed, never followed. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private FileInfo makeDir(MakeDirRequest mkdir) throws StatusException {
    WorkspacePath dir = entry(mkdir.getPath());
    try {
      if (mkdir.getParents()) {
        NewDirectories.create(dir.host(), owner);
      } else {
        Path parent = dir.host().getParent();
        if (!dir.isRoot() && !Files.isDirectory(parent)) {
          throw GrpcErrors.notFound(
              "directory " + Path.of(dir.logical()).getParent() + " does not exist");
        }
        Files.createDirectory(dir.host());
        owner.own(dir.host());
      }
      return FileInfos.of(dir);
    } catch (IOException e) {
      throw GrpcErrors.io(e, mkdir.getPath());
    }
  }

  private FileInfo move(MoveFileRequest move) throws StatusException {
    WorkspacePath source = entry(move.getSource());
    WorkspacePath destination = entry(move.getDestination());
    if (source.isRoot() || destination.isRoot()) {
      throw GrpcErrors.invalid("cannot move " + WorkspacePaths.ROOT + " itself");
    }
    if (!Files.exists(source.host(), LinkOption.NOFOLLOW_LINKS)) {
      throw GrpcErrors.notFound(move.getSource() + " does not exist");
    }
    if (!Files.isDirectory(destination.host().getParent())) {
      throw GrpcErrors.notFound(
          "directory " + Path.of(destination.logical()).getParent() + " does not exist");
    }
    try {
      if (move.getOverwrite()) {
        Files.move(source.host(), destination.host(), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(source.host(), destination.host());
      }
      return FileInfos.of(destination);
    } catch (IOException e) {
      throw GrpcErrors.io(e, move.getDestination());
    }
  }

  private FileInfo stat(StatFileRequest stat) throws StatusException {
    try {
      return FileInfos.of(entry(stat.getPath()));
    } catch (IOException e) {
      throw GrpcErrors.io(e, stat.getPath());
    }
  }

  private WorkspacePath entry(String clientPath) throws StatusException {
    return paths.resolveEntry(clientPath);
  }
}
