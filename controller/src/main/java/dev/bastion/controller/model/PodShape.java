package dev.bastion.controller.model;

import java.util.List;

/** What a Sandbox and a SandboxTemplate both say about the pod: its template, volumes, service. */
public interface PodShape {

  PodTemplate getPodTemplate();

  List<VolumeClaimTemplate> getVolumeClaimTemplates();

  Boolean getService();
}
