package dev.bastion.controller.sandbox;

import dev.bastion.controller.runtime.SandboxLimits;

/**
 * What a cold-started sandbox is made from.
 *
 * @param name the name agents ask for
 * @param limits cgroup limits of each sandbox
 */
public record SandboxTemplate(String name, SandboxLimits limits) {}
