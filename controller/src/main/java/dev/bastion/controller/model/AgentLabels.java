package dev.bastion.controller.model;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Label and annotation keys the Agent Sandbox API and Bastion put on objects. */
public final class AgentLabels {

  /** FNV-1a hash of a Sandbox's name on its pod; a Service selects on it. */
  public static final String SANDBOX_NAME_HASH = "agents.x-k8s.io/sandbox-name-hash";

  /** Marks an unowned object that a controller may adopt. */
  public static final String ADOPTABLE = "agents.x-k8s.io/adoptable";

  /** The warm pool a Sandbox is a member of (removed when a claim adopts it). */
  public static final String WARM_POOL = "extensions.agents.x-k8s.io/warm-pool";

  /** Hash of the template a pool member was built from, to find stale members. */
  public static final String TEMPLATE_HASH = "extensions.agents.x-k8s.io/template-hash";

  /** The claim a Sandbox serves. */
  public static final String CLAIM = "extensions.agents.x-k8s.io/claim";

  /** Prefixes reserved for the API's own labels; template labels with them are not copied. */
  public static final String RESERVED_PREFIX = "agents.x-k8s.io/";

  public static final String RESERVED_EXTENSIONS_PREFIX = "extensions.agents.x-k8s.io/";

  /** Prefix of Bastion's own labels and annotations. */
  public static final String BASTION_PREFIX = "bastion.dev/";

  /** The tenant that owns a Sandbox or SandboxClaim (Bastion's addition). */
  public static final String TENANT = "bastion.dev/tenant";

  /** Annotation: "warm" when a claim adopted the sandbox from a pool, "cold" otherwise. */
  public static final String LAUNCH_TYPE = "bastion.dev/launch-type";

  /** Annotation: the template a sandbox was made from. */
  public static final String TEMPLATE = "bastion.dev/template";

  /** Annotation: the warm pool a claimed sandbox came from (or was asked of). */
  public static final String FROM_WARM_POOL = "bastion.dev/warm-pool";

  /** Annotation: the snapshot a sandbox was made from, which its first start restores. */
  public static final String FROM_SNAPSHOT = "bastion.dev/snapshot";

  private AgentLabels() {}

  /** Whether a template label or annotation key is reserved and must not reach pods. */
  public static boolean isReserved(String key) {
    return key.startsWith(RESERVED_PREFIX) || key.startsWith(RESERVED_EXTENSIONS_PREFIX);
  }

  /**
   * Whether {@code key} (a label, annotation or finalizer) is one only the controller writes: the
   * API's prefixes and Bastion's.
   */
  public static boolean isControllerOwned(String key) {
    return isReserved(key) || key.startsWith(BASTION_PREFIX);
  }

  /**
   * A copy of template labels or annotations without the reserved keys, which only the API's
   * controllers may set; empty when {@code values} is null. The copy is mutable.
   */
  public static Map<String, String> withoutReserved(Map<String, String> values) {
    Map<String, String> kept = new LinkedHashMap<>();
    if (values != null) {
      values.forEach(
          (key, value) -> {
            if (!isReserved(key)) {
              kept.put(key, value);
            }
          });
    }
    return kept;
  }

  /** FNV-1a (32-bit) of {@code name}, as 8 lowercase hex digits. */
  public static String nameHash(String name) {
    int hash = 0x811c9dc5;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return String.format("%08x", hash);
  }
}
