package dev.bastion.controller.policy;

import dev.bastion.controller.model.InvalidManifestException;
import dev.bastion.controller.model.ToolPolicy;
import dev.bastion.controller.store.ResourceStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The ToolPolicies in the store, compiled: every change to one recompiles the set and swaps it in
 * whole, so policies apply to the next call without a restart and a call never sees half a change.
 */
public final class PoliciesInForce {

  private static final Logger LOG = Logger.getLogger(PoliciesInForce.class.getName());
  private static final String KIND = HasMetadata.getKind(ToolPolicy.class);

  private final ResourceStore store;
  private final AtomicReference<PolicySet> current = new AtomicReference<>(PolicySet.EMPTY);

  public PoliciesInForce(ResourceStore store) {
    this.store = store;
    store.watch(
        event -> {
          if (event.kind().equals(KIND)) {
            reload();
          }
        });
    reload();
  }

  public PolicySet current() {
    return current.get();
  }

  // Synchronised so two changes in quick succession cannot swap in an older set last.
  private synchronized void reload() {
    List<CompiledPolicy> compiled = new ArrayList<>();
    for (ToolPolicy policy : store.listAll(ToolPolicy.class)) {
      try {
        compiled.add(ToolPolicyCompiler.compile(policy));
      } catch (InvalidManifestException e) {
        // Applying refuses such a policy; one stored before a change of the language is left out
        // loudly rather than stopping every call.
        LOG.severe("ToolPolicy left out, it no longer compiles: " + e.getMessage());
      }
    }
    current.set(new PolicySet(compiled));
  }
}
