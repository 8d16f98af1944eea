package dev.bastion.gateway.cli;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion cp}: files and directories between this machine and a sandbox's workspace, one
 * side written {@code ID:PATH}. What comes from a sandbox is the sandbox's to name, so a download
 * is confined to its destination: an entry that would land outside it is refused, symbolic links
 * and special files are skipped (never made here), and a file that grows past the size listed for
 * it is refused rather than read on.
 */
@Command(
    name = "cp",
    mixinStandardHelpOptions = true,
    description = {
      "Copies files and directories between this machine and a sandbox: one of SRC and DST is"
          + " ID:PATH (a path in the sandbox's /workspace), the other a local path.",
      "Example: bastion cp ./data $id:/workspace/data && bastion cp $id:out/report.csv ."
    })
public final class CopyCommand extends SandboxCommand {

  private static final Pattern REMOTE = Pattern.compile("^([a-z0-9][-a-z0-9.]{0,62}):(.*)$");
  private static final int CHUNK = 64 * 1024;

  /** The deepest listing sandboxd gives at once; deeper directories are listed again. */
  private static final int LIST_DEPTH = 10;

  @Parameters(index = "0", paramLabel = "SRC")
  String source;

  @Parameters(index = "1", paramLabel = "DST")
  String destination;

  /** A path in a sandbox. */
  private record Remote(String sandbox, String path) {}

  @Override
  int run(BastionGrpc grpc, PrintWriter out, PrintWriter err) throws CliException {
    Matcher from = REMOTE.matcher(source);
    Matcher to = REMOTE.matcher(destination);
    if (from.matches() == to.matches()) {
      throw new CliException("one of SRC and DST must be ID:PATH in a sandbox, the other local");
    }
    if (to.matches()) {
      upload(grpc, Path.of(source), new Remote(to.group(1), to.group(2)), err);
    } else {
      download(grpc, new Remote(from.group(1), from.group(2)), Path.of(destination), err);
    }
    return 0;
  }

  // ------------------------------------------------------------------ to the sandbox

  private void upload(BastionGrpc grpc, Path local, Remote to, PrintWriter err)
      throws CliException {
    if (Files.isRegularFile(local)) {
      String path = to.path().endsWith("/") ? to.path() + local.getFileName() : to.path();
      write(grpc, to.sandbox(), path, local);
      return;
    }
    if (!Files.isDirectory(local)) {
      throw new CliException(local + " does not exist");
    }
    List<Path> entries;
    try (Stream<Path> walk = Files.walk(local)) {
      entries = walk.toList();
    } catch (IOException | UncheckedIOException e) {
      throw new CliException("cannot read " + local + ": " + e.getMessage());
    }
    for (Path entry : entries) {
      String path = join(to.path(), local.relativize(entry).toString());
      if (Files.isSymbolicLink(entry)) {
        err.println("skipped the symbolic link " + entry);
      } else if (Files.isDirectory(entry)) {
        grpc.call(
            FilesGrpcClient.MakeDir,
            MakeDirRequest.newBuilder()
                .setSandboxId(to.sandbox())
                .setPath(path)
                .setParents(true)
                .build());
      } else if (Files.isRegularFile(entry)) {
        write(grpc, to.sandbox(), path, entry);
      }
    }
  }

  private static void write(BastionGrpc grpc, String sandbox, String path, Path file)
      throws CliException {
    grpc.stream(
        FilesGrpcClient.Write,
        request -> {
          request.write(
              WriteFileRequest.newBuilder()
                  .setHeader(WriteFileHeader.newBuilder().setSandboxId(sandbox).setPath(path))
                  .build());
          try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[CHUNK];
            for (int read; (read = in.readNBytes(chunk, 0, CHUNK)) > 0; ) {
              request.write(
                  WriteFileRequest.newBuilder()
                      .setData(ByteString.copyFrom(chunk, 0, read))
                      .build());
            }
          } catch (IOException e) {
            request.cancel();
            return Future.failedFuture(
                new BastionGrpc.CliFailure("cannot read " + file + ": " + e.getMessage()));
          }
          request.end();
          return request
              .response()
              .compose(
                  response -> response.last().recover(failed -> BastionGrpc.failure(response)));
        });
  }

  // ------------------------------------------------------------------ from the sandbox

  private void download(BastionGrpc grpc, Remote from, Path local, PrintWriter err)
      throws CliException {
    FileInfo root =
        grpc.call(
            FilesGrpcClient.Stat,
            StatFileRequest.newBuilder().setSandboxId(from.sandbox()).setPath(from.path()).build());
    if (root.getType() == FileInfo.Type.FILE) {
      Path target = Files.isDirectory(local) ? local.resolve(safeName(root.getName())) : local;
      read(grpc, from.sandbox(), root, target);
      return;
    }
    if (root.getType() != FileInfo.Type.DIRECTORY) {
      throw new CliException(from.path() + " is neither a file nor a directory");
    }
    Path base = (Files.isDirectory(local) ? local.resolve(safeName(root.getName())) : local);
    Path confined = base.toAbsolutePath().normalize();
    makeDirectory(confined);
    Deque<String> directories = new ArrayDeque<>(List.of(root.getPath()));
    while (!directories.isEmpty()) {
      String listed = directories.pop();
      for (FileInfo entry : list(grpc, from.sandbox(), listed)) {
        Path target = confinedTarget(confined, root.getPath(), entry.getPath());
        switch (entry.getType()) {
          case DIRECTORY -> {
            makeDirectory(target);
            if (depthBelow(listed, entry.getPath()) == LIST_DEPTH) {
              directories.push(entry.getPath());
            }
          }
          case FILE -> read(grpc, from.sandbox(), entry, target);
          default -> err.println("skipped " + entry.getPath() + " (" + describe(entry) + ")");
        }
      }
    }
  }

  private static List<FileInfo> list(BastionGrpc grpc, String sandbox, String directory)
      throws CliException {
    return grpc.call(
            FilesGrpcClient.List,
            ListFilesRequest.newBuilder()
                .setSandboxId(sandbox)
                .setPath(directory)
                .setDepth(LIST_DEPTH)
                .build())
        .getFilesList();
  }

  /** How many levels {@code entry} is below {@code directory}: 1 for a direct child. */
  private static int depthBelow(String directory, String entry) {
    return Path.of(directory).relativize(Path.of(entry)).getNameCount();
  }

  /**
   * Where {@code entry}, listed under the sandbox's {@code root}, goes under {@code base}; refused
   * when its name would take it anywhere else.
   */
  static Path confinedTarget(Path base, String root, String entry) throws CliException {
    String prefix = root.endsWith("/") ? root : root + "/";
    if (!entry.startsWith(prefix)) {
      throw new CliException("the sandbox listed " + entry + ", which is not under " + root);
    }
    Path relative = Path.of(entry.substring(prefix.length()));
    Path target = base.resolve(relative).normalize();
    if (relative.isAbsolute() || !target.startsWith(base) || target.equals(base)) {
      throw new CliException("the sandbox listed " + entry + ", which would land outside " + base);
    }
    return target;
  }

  private static void makeDirectory(Path directory) throws CliException {
    try {
      if (Files.isSymbolicLink(directory)) {
        throw new CliException(directory + " is a symbolic link: refusing to copy through it");
      }
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new CliException("cannot make " + directory + ": " + e.getMessage());
    }
  }

  /**
   * Reads {@code file} into {@code target} through a temporary file beside it, moved into place
   * when whole: an existing file (or a link) at {@code target} is replaced, never written through.
   */
  private static void read(BastionGrpc grpc, String sandbox, FileInfo file, Path target)
      throws CliException {
    Path directory = target.toAbsolutePath().getParent();
    makeDirectory(directory);
    Path temp;
    try {
      temp = Files.createTempFile(directory, ".bastion-cp-", ".tmp");
    } catch (IOException e) {
      throw new CliException("cannot write in " + directory + ": " + e.getMessage());
    }
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        receive(grpc, sandbox, file, out);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write " + target + ": " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Already moved, or gone: nothing is left to clean.
      }
    }
  }

  private static void receive(BastionGrpc grpc, String sandbox, FileInfo file, OutputStream out)
      throws CliException {
    long expected = file.getSize();
    grpc.stream(
        FilesGrpcClient.Read,
        request -> {
          request.end(
              ReadFileRequest.newBuilder()
                  .setSandboxId(sandbox)
                  .setPath(file.getPath())
                  .setLimit(expected + 1)
                  .build());
          Promise<Void> done = Promise.promise();
          long[] received = {0};
          request
              .response()
              .onFailure(done::tryFail)
              .onSuccess(
                  response -> {
                    response.handler(
                        (FileChunk chunk) -> {
                          received[0] += chunk.getData().size();
                          if (received[0] > expected) {
                            request.cancel();
                            done.tryFail(
                                new BastionGrpc.CliFailure(
                                    file.getPath() + " grew past its listed size while copied"));
                            return;
                          }
                          try {
                            chunk.getData().writeTo(out);
                          } catch (IOException e) {
                            request.cancel();
                            done.tryFail(new BastionGrpc.CliFailure("cannot write: " + e));
                          }
                        });
                    response.endHandler(
                        ended -> {
                          if (response.status() == GrpcStatus.OK) {
                            done.tryComplete();
                          } else {
                            BastionGrpc.<Void>failure(response).onFailure(done::tryFail);
                          }
                        });
                  });
          return done.future();
        });
  }

  private static String safeName(String name) throws CliException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
      throw new CliException("the sandbox named a file '" + name + "', which cannot be copied");
    }
    return name;
  }

  private static String describe(FileInfo entry) {
    return entry.getType() == FileInfo.Type.SYMLINK
        ? "a symbolic link, not followed"
        : "not a regular file";
  }

  private static String join(String directory, String relative) {
    if (relative.isEmpty()) {
      return directory;
    }
    return (directory.endsWith("/") ? directory : directory + "/") + relative;
  }
}
