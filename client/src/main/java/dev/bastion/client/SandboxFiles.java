package dev.bastion.client;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileChunk;
import dev.bastion.api.v1.FilesGrpcClient;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.MakeDirRequest;
import dev.bastion.api.v1.MoveFileRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.RemoveFileRequest;
import dev.bastion.api.v1.StatFileRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.api.v1.WriteFileRequest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The files of a sandbox's {@code /workspace}. Paths are absolute or relative to {@code
 * /workspace}; one that resolves outside it (through {@code ..} or a symbolic link) is refused with
 * INVALID_ARGUMENT, a missing one is NOT_FOUND.
 */
public final class SandboxFiles {

  /** Write messages carry this much each: well under the gateway's 4 MiB message limit. */
  private static final int CHUNK_BYTES = 1024 * 1024;

  private final Transport transport;
  private final String sandboxId;

  SandboxFiles(Transport transport, String sandboxId) {
    this.transport = transport;
    this.sandboxId = sandboxId;
  }

  /**
   * Writes {@code data} to {@code path}, replacing the file at once (a reader never sees half of
   * it), and makes the directories it needs.
   */
  public FileInfo write(String path, byte[] data) {
    return write(path, data, true);
  }

  /**
   * {@link #write(String, byte[])}, but with {@code createParents} false a missing directory is
   * {@code NOT_FOUND} instead of being made.
   */
  public FileInfo write(String path, byte[] data, boolean createParents) {
    Checks.notBlank(path, "path");
    Objects.requireNonNull(data, "data");
    List<WriteFileRequest> messages = new ArrayList<>();
    messages.add(
        WriteFileRequest.newBuilder()
            .setHeader(
                WriteFileHeader.newBuilder()
                    .setSandboxId(sandboxId)
                    .setPath(path)
                    .setNoCreateParents(!createParents))
            .build());
    for (int at = 0; at < data.length; at += CHUNK_BYTES) {
      messages.add(
          WriteFileRequest.newBuilder()
              .setData(ByteString.copyFrom(data, at, Math.min(CHUNK_BYTES, data.length - at)))
              .build());
    }
    return Protos.file(
        Handoff.await(
            "SandboxFiles.write", () -> transport.upload(FilesGrpcClient.Write, messages)));
  }

  /** {@link #write(String, byte[])} with {@code text} in UTF-8. */
  public FileInfo write(String path, String text) {
    return write(path, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /** The whole content of {@code path}. */
  public byte[] read(String path) {
    ReadFileRequest request =
        ReadFileRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setPath(Checks.notBlank(path, "path"))
            .build();
    Buffer content = Buffer.buffer();
    Handoff.await(
        "SandboxFiles.read",
        () ->
            transport.download(
                FilesGrpcClient.Read,
                request,
                (FileChunk chunk) -> content.appendBytes(chunk.getData().toByteArray())));
    return content.getBytes();
  }

  /** {@link #read(String)} decoded as UTF-8. */
  public String readString(String path) {
    return new String(read(path), StandardCharsets.UTF_8);
  }

  /** The entries directly in directory {@code path}. */
  public List<FileInfo> list(String path) {
    ListFilesRequest request =
        ListFilesRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setPath(Checks.notBlank(path, "path"))
            .build();
    return Handoff.await("SandboxFiles.list", () -> transport.unary(FilesGrpcClient.List, request))
        .getFilesList()
        .stream()
        .map(Protos::file)
        .toList();
  }

  /** What {@code path} is. */
  public FileInfo stat(String path) {
    StatFileRequest request =
        StatFileRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setPath(Checks.notBlank(path, "path"))
            .build();
    return Protos.file(
        Handoff.await("SandboxFiles.stat", () -> transport.unary(FilesGrpcClient.Stat, request)));
  }

  /** Removes the file or empty directory {@code path}. */
  public void remove(String path) {
    remove(path, false);
  }

  /** Removes {@code path}; with {@code recursive}, a directory with all it holds. */
  public void remove(String path, boolean recursive) {
    RemoveFileRequest request =
        RemoveFileRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setPath(Checks.notBlank(path, "path"))
            .setRecursive(recursive)
            .build();
    Handoff.await("SandboxFiles.remove", () -> transport.unary(FilesGrpcClient.Remove, request));
  }

  /** Makes directory {@code path} and any missing parents, as {@code mkdir -p} does. */
  public FileInfo mkdir(String path) {
    MakeDirRequest request =
        MakeDirRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setPath(Checks.notBlank(path, "path"))
            .setParents(true)
            .build();
    return Protos.file(
        Handoff.await(
            "SandboxFiles.mkdir", () -> transport.unary(FilesGrpcClient.MakeDir, request)));
  }

  /** Moves {@code source} to {@code destination}, which must not exist. */
  public FileInfo move(String source, String destination) {
    MoveFileRequest request =
        MoveFileRequest.newBuilder()
            .setSandboxId(sandboxId)
            .setSource(Checks.notBlank(source, "source"))
            .setDestination(Checks.notBlank(destination, "destination"))
            .build();
    return Protos.file(
        Handoff.await("SandboxFiles.move", () -> transport.unary(FilesGrpcClient.Move, request)));
  }
}
