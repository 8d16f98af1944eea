package dev.bastion.controller.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A sandbox as the agent-facing APIs show it, derived from its Sandbox object (and its claim).
 *
 * @param id the Sandbox's name, which is unique within its namespace
 * @param namespace where the Sandbox is: its tenant's, or the shared one for a pool member a claim
 *     took
 * @param template the template it was made from
 * @param warmPool the warm pool it was claimed from; empty for a cold create
 * @param labels the labels the agent gave it (the API's own labels are not shown)
 * @param env environment every process in it gets
 * @param runtime "gvisor" or "crun"
 * @param launchType "warm" when adopted from a pool, "cold" otherwise
 * @param shutdownTime when it expires, or null
 * @param message why it is in its phase
 */
public record SandboxView(
    String id,
    String namespace,
    String tenant,
    String template,
    String warmPool,
    Map<String, String> labels,
    Map<String, String> env,
    SandboxPhase phase,
    String runtime,
    String launchType,
    Instant createdAt,
    Instant shutdownTime,
    String message) {}
