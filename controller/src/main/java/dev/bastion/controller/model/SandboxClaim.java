package dev.bastion.controller.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A request for a sandbox from a warm pool, served warm or by a cold start. */
@Group("extensions.agents.x-k8s.io")
@Version("v1beta1")
@Plural("sandboxclaims")
@ShortNames("sandboxclaim")
@AdditionalPrinterColumn(name = "Ready", jsonPath = PrinterColumns.READY_STATUS)
@AdditionalPrinterColumn(name = "Reason", jsonPath = PrinterColumns.READY_REASON)
@AdditionalPrinterColumn(name = "Sandbox", jsonPath = ".status.sandbox.name")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = PrinterColumns.AGE,
    type = AdditionalPrinterColumn.Type.DATE)
public class SandboxClaim extends CustomResource<SandboxClaimSpec, SandboxClaimStatus>
    implements Namespaced {}
