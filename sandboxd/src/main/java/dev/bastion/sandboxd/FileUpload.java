package dev.bastion.sandboxd;

import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import dev.bastion.sandboxd.WorkspacePaths.WorkspacePath;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.StatusException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/**
 * One Write call. The data goes to a hidden temp file next to the target, which is fsynced and
 * renamed over the target at the end, so readers see the old content or the new, never a mix. An
 * append writes to the target itself. The request is paused while each chunk is written, so a fast
 * client cannot make sandboxd buffer. Any failure or cancellation removes the temp file.
 */
final class FileUpload {

  private static final int DEFAULT_MODE = 0644;

  private final Vertx vertx;
  private final WorkspacePaths paths;
  private final long maxBytes;
  private final AgentUser owner;
  private final GrpcServerRequest<WriteFileRequest, FileInfo> request;
  private WriteFileHeader header;
  private WorkspacePath target;
  private Path temp;
  private FileChannel channel;
  private long written;
  // A blocking step is running; cleanup must wait for it, as it may still create the temp file.
  private boolean busy;
  private boolean done;

  FileUpload(
      Vertx vertx,
      WorkspacePaths paths,
      long maxBytes,
      AgentUser owner,
      GrpcServerRequest<WriteFileRequest, FileInfo> request) {
    this.vertx = vertx;
    this.paths = paths;
    this.maxBytes = maxBytes;
    this.owner = owner;
    this.request = request;
  }

  void start() {
    request.handler(this::onMessage);
    request.endHandler(
        v -> {
          if (!done) {
            step(this::commit).onSuccess(info -> finish(info, null));
          }
        });
    GrpcErrors.whenClientGone(request, () -> abort(null));
  }

  private void onMessage(WriteFileRequest message) {
    if (done) {
      return;
    }
    if (header == null) {
      if (!message.hasHeader()) {
        abort(GrpcErrors.invalid("first message must be header"));
        return;
      }
      header = message.getHeader();
      step(this::open);
      return;
    }
    if (!message.hasData()) {
      abort(GrpcErrors.invalid("only data may follow the header"));
      return;
    }
    written += message.getData().size();
    if (written > maxBytes) {
      abort(
          new StatusException(
              GrpcStatus.RESOURCE_EXHAUSTED, "file exceeds " + maxBytes + " bytes"));
      return;
    }
    ByteBuffer data = message.getData().asReadOnlyByteBuffer();
    step(
        () -> {
          while (data.hasRemaining()) {
            channel.write(data);
          }
          return null;
        });
  }

  /** Runs one blocking step with the request paused; a failure aborts the upload. */
  private <T> Future<T> step(Callable<T> blocking) {
    request.pause();
    busy = true;
    return vertx
        .executeBlocking(blocking, false)
        .onComplete(
            result -> {
              busy = false;
              if (done) {
                cleanUp();
              } else {
                request.resume();
              }
            })
        .onFailure(this::abort);
  }

  private Void open() throws StatusException, IOException {
    int mode = header.getMode() == 0 ? DEFAULT_MODE : header.getMode();
    if (mode > 0777) {
      throw GrpcErrors.invalid("mode must be permission bits, at most 0777");
    }
    // An append opens the target itself, so a symlink there is followed and must stay inside.
    target =
        header.getAppend()
            ? paths.resolveFollowing(header.getPath())
            : paths.resolveEntry(header.getPath());
    if (target.isRoot() || Files.isDirectory(target.host())) {
      throw GrpcErrors.invalid(header.getPath() + " is a directory");
    }
    Path directory = target.host().getParent();
    if (!Files.isDirectory(directory)) {
      if (header.getNoCreateParents()) {
        throw GrpcErrors.notFound(
            "directory " + Path.of(target.logical()).getParent() + " does not exist");
      }
      // As the file APIs of other sandboxes do: writing a path makes its directories.
      NewDirectories.create(directory, owner);
    }
    var permissions = PosixFilePermissions.asFileAttribute(FileInfos.permissions(mode));
    if (header.getAppend()) {
      channel =
          FileChannel.open(
              target.host(),
              java.util.Set.of(
                  StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE),
              permissions);
      owner.own(target.host());
    } else {
      temp = Files.createTempFile(directory, ".bastion-upload-", ".tmp", permissions);
      channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    }
    return null;
  }

  private FileInfo commit() throws StatusException, IOException {
    if (header == null) {
      throw GrpcErrors.invalid("first message must be header");
    }
    channel.force(true);
    channel.close();
    if (temp != null) {
      // createTempFile's mode was cut by the umask; set exactly what the client asked for.
      Files.setPosixFilePermissions(
          temp, FileInfos.permissions(header.getMode() == 0 ? DEFAULT_MODE : header.getMode()));
      // Before it takes the target's name, so the file never shows under it as sandboxd's.
      owner.own(temp);
      Files.move(
          temp, target.host(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    }
    return FileInfos.of(target);
  }

  /** Ends the call with {@code failure} (null when the client cancelled) and cleans up. */
  private void abort(Throwable failure) {
    if (done) {
      return;
    }
    finish(null, failure);
    if (!busy) {
      cleanUp();
    }
  }

  private void cleanUp() {
    Path leftover = temp;
    FileChannel open = channel;
    temp = null;
    channel = null;
    vertx.executeBlocking(
        () -> {
          if (open != null) {
            open.close();
          }
          if (leftover != null) {
            Files.deleteIfExists(leftover);
          }
          return null;
        },
        false);
  }

  private void finish(FileInfo info, Throwable failure) {
    if (done) {
      return;
    }
    done = true;
    if (failure == null && info != null) {
      request.response().end(info);
    } else if (failure != null) {
      GrpcErrors.fail(
          request.response(),
          failure instanceof IOException io ? GrpcErrors.io(io, header.getPath()) : failure);
    }
  }
}
