package dev.bastion.controller.policy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One tool call as policies see it: the tool's name ({@code process.exec}, {@code files.read}, ...)
 * and what it acts on. Fields a tool does not have are empty, never null, so expressions need no
 * presence tests.
 *
 * <p>A path is given to policies as sandboxd will resolve it: absolute under {@code /workspace},
 * with {@code .} and {@code ..} resolved, so {@code notes/../secrets/key} is seen as {@code
 * /workspace/secrets/key}. Symbolic links inside the workspace are the sandbox's own and are not
 * followed here: a rule about a directory should also deny the process calls that could link to it.
 *
 * @param size the bytes the call declares it will move (a Run's stdin, a Read's limit); 0 when it
 *     declares none — streamed bytes are bounded by the limits instead
 * @param code the cell a code context runs ({@code code.run}); empty for other tools
 * @param language the language of that cell or context ({@code python}, or a kernelspec name)
 */
public record ToolCall(
    String tool,
    List<String> argv,
    Map<String, String> env,
    String cwd,
    String path,
    long size,
    String code,
    String language) {

  private static final String WORKSPACE = "/workspace";

  public ToolCall {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }

  /** A call that names only its tool. */
  public static ToolCall of(String tool) {
    return new ToolCall(tool, List.of(), Map.of(), "", "", 0, "", "");
  }

  /** A cell of code run in a context, or a context made for a language. */
  public static ToolCall code(String tool, String language, String code) {
    return new ToolCall(
        tool,
        List.of(),
        Map.of(),
        "",
        "",
        code.length(),
        code,
        language.isEmpty() ? "python" : language);
  }

  /** A call on one path, as the agent wrote it. */
  public static ToolCall onPath(String tool, String path, long size) {
    return new ToolCall(tool, List.of(), Map.of(), "", logical(path), size, "", "");
  }

  /** A process start; its working directory is resolved as a path is. */
  public static ToolCall process(
      String tool, List<String> argv, Map<String, String> env, String cwd, long size) {
    return new ToolCall(tool, argv, env, logical(cwd), "", size, "", "");
  }

  /** {@code path} resolved as sandboxd resolves it before looking at the file system. */
  static String logical(String path) {
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      return path; // sandboxd refuses it; nothing to resolve
    }
    try {
      return Path.of(path.startsWith("/") ? path : WORKSPACE + "/" + path).normalize().toString();
    } catch (InvalidPathException e) {
      return path;
    }
  }
}
