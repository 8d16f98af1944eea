package dev.bastion.controller.desired;

import dev.bastion.controller.model.AgentLabels;
import dev.bastion.controller.model.Sandbox;
import dev.bastion.controller.model.SandboxTemplate;
import dev.bastion.controller.model.SandboxWarmPool;
import java.util.List;

/** Builds the members of a warm pool. Pure. */
public final class PoolMembers {

  /** Room for "-" and a five-character suffix within a 63-character name. */
  private static final int MAX_PREFIX = 57;

  private PoolMembers() {}

  /** The replicas a pool asks for: 1 when unset. */
  public static int replicas(SandboxWarmPool pool) {
    Integer replicas = pool.getSpec().getReplicas();
    return replicas == null ? 1 : Math.max(0, replicas);
  }

  /**
   * A member named {@code <pool>-<suffix>}, built from {@code template} (whose hash it carries),
   * owned by the pool and labelled as its member.
   */
  public static Sandbox build(
      SandboxWarmPool pool, SandboxTemplate template, String templateHash, String suffix) {
    String poolName = pool.getMetadata().getName();
    String prefix = poolName.length() > MAX_PREFIX ? poolName.substring(0, MAX_PREFIX) : poolName;
    Sandbox member =
        SandboxBlueprint.fromTemplate(
            template, pool.getMetadata().getNamespace(), prefix + "-" + suffix);
    member.getMetadata().getLabels().put(AgentLabels.WARM_POOL, poolName);
    member.getMetadata().getLabels().put(AgentLabels.TEMPLATE_HASH, templateHash);
    member.getMetadata().getAnnotations().put(AgentLabels.FROM_WARM_POOL, poolName);
    member.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(pool)));
    return member;
  }
}
