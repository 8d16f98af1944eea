package dev.bastion.gateway.mcp;

import com.google.protobuf.ByteString;
import dev.bastion.api.v1.FileInfo;
import dev.bastion.api.v1.ListFilesRequest;
import dev.bastion.api.v1.ReadFileRequest;
import dev.bastion.api.v1.WriteFileHeader;
import dev.bastion.controller.sandbox.SandboxError;
import dev.bastion.gateway.access.SandboxdCalls;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The file tools: {@code read_file}, {@code write_file} and {@code list_files}, text files in the
 * sandbox's /workspace. They are Files.Read, Write and List underneath, so policies see their paths
 * as they see those calls', under the tool's own name, and maxFileBytes holds for them too.
 */
final class FileTools {

  /** A read returns at most this much of a file (truncated: true past it). */
  static final int MAX_READ_BYTES = 256 * 1024;

  /** The largest content write_file takes; its message must fit the transport's bound. */
  static final int MAX_WRITE_CHARS = 1024 * 1024;

  /** sandboxd lists at most this deep. */
  static final int MAX_DEPTH = 10;

  private static final String WORKSPACE = "/workspace";

  private final SandboxdCalls calls;
  private final McpJsonMapper json;

  FileTools(SandboxdCalls calls, McpJsonMapper json) {
    this.calls = calls;
    this.json = json;
  }

  List<BastionTool> tools() {
    return List.of(read(), write(), list());
  }

  private BastionTool read() {
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("path", Schemas.type("string"))
                .put("content", Schemas.type("string"))
                .put("truncated", Schemas.type("boolean")),
            "path",
            "content",
            "truncated");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "read_file",
            "Read a file",
            "Reads a UTF-8 text file in a sandbox's /workspace: the first "
                + MAX_READ_BYTES / 1024
                + " KiB of it (truncated is true when there is more).",
            Schemas.input(
                new JsonObject().put("sandbox_id", Schemas.sandboxId()).put("path", path()),
                "sandbox_id",
                "path"),
            output,
            new McpSchema.ToolAnnotations(null, true, false, true, false, null)),
        (tenant, arguments) -> {
          String path = arguments.string("path");
          return calls
              .read(
                  tenant,
                  "read_file",
                  ReadFileRequest.newBuilder()
                      .setSandboxId(arguments.string("sandbox_id"))
                      .setPath(path)
                      // One byte more than is returned: that is how a longer file is noticed.
                      .setLimit(MAX_READ_BYTES + 1L)
                      .build())
              .map(
                  bytes -> {
                    boolean truncated = bytes.size() > MAX_READ_BYTES;
                    return Map.<String, Object>of(
                        "path",
                        path,
                        "content",
                        text(
                            path,
                            truncated ? bytes.substring(0, MAX_READ_BYTES) : bytes,
                            truncated),
                        "truncated",
                        truncated);
                  });
        });
  }

  private BastionTool write() {
    JsonObject output =
        Schemas.output(
            new JsonObject()
                .put("path", Schemas.type("string"))
                .put("size", Schemas.type("integer")),
            "path",
            "size");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "write_file",
            "Write a file",
            "Writes a UTF-8 text file in a sandbox's /workspace, replacing it if it exists (all at"
                + " once: readers never see half of it). Missing directories are created, unless"
                + " create_parents is false.",
            Schemas.input(
                new JsonObject()
                    .put("sandbox_id", Schemas.sandboxId())
                    .put("path", path())
                    .put("content", Schemas.string("The file's new content", 0, MAX_WRITE_CHARS))
                    .put(
                        "create_parents",
                        Schemas.type("boolean")
                            .put(
                                "description",
                                "Whether to create missing directories (default true); when"
                                    + " false, a missing directory is an error")),
                "sandbox_id",
                "path",
                "content"),
            output,
            new McpSchema.ToolAnnotations(null, false, true, true, false, null)),
        (tenant, arguments) ->
            calls
                .write(
                    tenant,
                    "write_file",
                    WriteFileHeader.newBuilder()
                        .setSandboxId(arguments.string("sandbox_id"))
                        .setPath(arguments.string("path"))
                        .setNoCreateParents(!arguments.bool("create_parents", true))
                        .build(),
                    ByteString.copyFromUtf8(arguments.string("content")))
                .map(
                    info ->
                        Map.<String, Object>of("path", info.getPath(), "size", info.getSize())));
  }

  private BastionTool list() {
    JsonObject entry =
        Schemas.output(
            new JsonObject()
                .put("path", Schemas.type("string"))
                .put(
                    "type",
                    Schemas.type("string")
                        .put(
                            "enum",
                            new JsonArray(List.of("file", "directory", "symlink", "other"))))
                .put("size", Schemas.type("integer")),
            "path",
            "type");
    JsonObject output =
        Schemas.output(
            new JsonObject().put("entries", Schemas.type("array").put("items", entry)), "entries");
    return BastionTool.structured(
        BastionTool.describe(
            json,
            "list_files",
            "List files",
            "Lists a directory in a sandbox's /workspace, sorted by path, descending depth levels.",
            Schemas.input(
                new JsonObject()
                    .put("sandbox_id", Schemas.sandboxId())
                    .put(
                        "path",
                        Schemas.string(
                            "Directory, absolute or relative to /workspace; default /workspace",
                            1,
                            Schemas.PATH_LENGTH))
                    .put(
                        "depth",
                        Schemas.integer(
                            "How many levels to list: 1 is the directory's own entries; default 1",
                            1,
                            MAX_DEPTH)),
                "sandbox_id"),
            output,
            new McpSchema.ToolAnnotations(null, true, false, true, false, null)),
        (tenant, arguments) ->
            calls
                .list(
                    tenant,
                    "list_files",
                    ListFilesRequest.newBuilder()
                        .setSandboxId(arguments.string("sandbox_id"))
                        .setPath(arguments.string("path", WORKSPACE))
                        .setDepth((int) arguments.integer("depth", 1))
                        .build())
                .map(
                    listing ->
                        Map.<String, Object>of(
                            "entries",
                            listing.getFilesList().stream().map(FileTools::entry).toList())));
  }

  private static JsonObject path() {
    return Schemas.string("Path, absolute or relative to /workspace", 1, Schemas.PATH_LENGTH);
  }

  private static Map<String, Object> entry(FileInfo info) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("path", info.getPath());
    entry.put(
        "type",
        switch (info.getType()) {
          case FILE, DIRECTORY, SYMLINK -> info.getType().name().toLowerCase(Locale.ROOT);
          case OTHER, TYPE_UNSPECIFIED, UNRECOGNIZED -> "other";
        });
    entry.put("size", info.getSize());
    return entry;
  }

  /**
   * {@code bytes} as text. A cut file may end inside a character, which is left out; anything else
   * that is not UTF-8 is refused rather than shown garbled.
   */
  private static String text(String path, ByteString bytes, boolean truncated) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = bytes.asReadOnlyByteBuffer();
    CharBuffer out = CharBuffer.allocate(bytes.size());
    if (decoder.decode(in, out, !truncated).isError()
        || !truncated && decoder.flush(out).isError()) {
      throw SandboxError.invalid(
          path + " is not UTF-8 text; read it with run_command (e.g. base64 " + path + ")");
    }
    return out.flip().toString();
  }
}
