package dev.bastion.controller.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rule's {@code when} expression may refer to, with CEL types, so a misspelt name or a
 * comparison of a string with a number is refused when the policy is applied, not at call time. The
 * names contain dots ({@code call.tool}); CEL resolves such qualified names to the variable.
 */
public final class PolicyVariables {

  public static final String TOOL = "call.tool";
  public static final String ARGV = "call.argv";
  public static final String ENV = "call.env";
  public static final String CWD = "call.cwd";
  public static final String PATH = "call.path";
  public static final String SIZE = "call.size";
  public static final String CODE = "call.code";
  public static final String LANGUAGE = "call.language";
  public static final String LABELS = "sandbox.labels";
  public static final String TEMPLATE = "sandbox.template";
  public static final String TENANT = "tenant";

  private static final MapType STRING_MAP = MapType.create(SimpleType.STRING, SimpleType.STRING);

  static final Map<String, CelType> TYPES = types();

  private PolicyVariables() {}

  /**
   * The variables' values for one call.
   *
   * @param call what the agent asks for
   * @param labels the sandbox's labels (empty for a call that names no sandbox yet)
   * @param template the sandbox's template ("" when unknown)
   */
  public static Map<String, Object> of(
      ToolCall call, String tenant, Map<String, String> labels, String template) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(TOOL, call.tool());
    values.put(ARGV, call.argv());
    values.put(ENV, call.env());
    values.put(CWD, call.cwd());
    values.put(PATH, call.path());
    values.put(SIZE, call.size());
    values.put(CODE, call.code());
    values.put(LANGUAGE, call.language());
    values.put(LABELS, labels);
    values.put(TEMPLATE, template);
    values.put(TENANT, tenant);
    return values;
  }

  private static Map<String, CelType> types() {
    Map<String, CelType> types = new LinkedHashMap<>();
    types.put(TOOL, SimpleType.STRING);
    types.put(ARGV, ListType.create(SimpleType.STRING));
    types.put(ENV, STRING_MAP);
    types.put(CWD, SimpleType.STRING);
    types.put(PATH, SimpleType.STRING);
    types.put(SIZE, SimpleType.INT);
    types.put(CODE, SimpleType.STRING);
    types.put(LANGUAGE, SimpleType.STRING);
    types.put(LABELS, STRING_MAP);
    types.put(TEMPLATE, SimpleType.STRING);
    types.put(TENANT, SimpleType.STRING);
    return Map.copyOf(types);
  }

  /** The variable names, for messages and docs. */
  public static List<String> names() {
    return List.of(TOOL, ARGV, ENV, CWD, PATH, SIZE, CODE, LANGUAGE, LABELS, TEMPLATE, TENANT);
  }
}
