package dev.bastion.controller.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Ready sandboxes kept in advance so a claim is served at once. */
@Group("extensions.agents.x-k8s.io")
@Version("v1beta1")
@Plural("sandboxwarmpools")
@ShortNames("swp")
public class SandboxWarmPool extends CustomResource<SandboxWarmPoolSpec, SandboxWarmPoolStatus>
    implements Namespaced {}
