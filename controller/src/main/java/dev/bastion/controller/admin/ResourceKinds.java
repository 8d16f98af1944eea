package dev.bastion.controller.admin;

import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxClaim;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.sandbox.SandboxError;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Locale;
import java.util.Map;

/** The names users type for kinds, kubectl style: kind, plural or short name, any case. */
final class ResourceKinds {

  private static final Map<String, Class<? extends CustomResource<?, ?>>> BY_NAME =
      Map.ofEntries(
          Map.entry("sandbox", Sandbox.class),
          Map.entry("sandboxes", Sandbox.class),
          Map.entry("sandboxtemplate", SandboxTemplate.class),
          Map.entry("sandboxtemplates", SandboxTemplate.class),
          Map.entry("template", SandboxTemplate.class),
          Map.entry("templates", SandboxTemplate.class),
          Map.entry("sandboxwarmpool", SandboxWarmPool.class),
          Map.entry("sandboxwarmpools", SandboxWarmPool.class),
          Map.entry("swp", SandboxWarmPool.class),
          Map.entry("warmpool", SandboxWarmPool.class),
          Map.entry("warmpools", SandboxWarmPool.class),
          Map.entry("sandboxclaim", SandboxClaim.class),
          Map.entry("sandboxclaims", SandboxClaim.class),
          Map.entry("claim", SandboxClaim.class),
          Map.entry("claims", SandboxClaim.class),
          Map.entry("toolpolicy", ToolPolicy.class),
          Map.entry("toolpolicies", ToolPolicy.class),
          Map.entry("tp", ToolPolicy.class),
          Map.entry("policy", ToolPolicy.class),
          Map.entry("policies", ToolPolicy.class));

  private ResourceKinds() {}

  static Class<? extends CustomResource<?, ?>> resolve(String name) {
    Class<? extends CustomResource<?, ?>> kind = BY_NAME.get(name.toLowerCase(Locale.ROOT));
    if (kind == null) {
      throw SandboxError.invalid(
          "unknown kind \""
              + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
              + "\": use sandbox, sandboxtemplate, sandboxwarmpool (swp), sandboxclaim or toolpolicy (tp)");
    }
    return kind;
  }
}
