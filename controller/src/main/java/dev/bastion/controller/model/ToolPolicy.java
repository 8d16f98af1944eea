package dev.bastion.controller.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Bastion's own kind: which tool calls agents may make into which sandboxes, checked on every call.
 * It has no status: a policy either compiles and is in force, or is refused when applied.
 */
@Group("bastion.dev")
@Version("v1alpha1")
@Plural("toolpolicies")
@ShortNames("tp")
@AdditionalPrinterColumn(name = "Default", jsonPath = ".spec.defaultAction")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = PrinterColumns.AGE,
    type = AdditionalPrinterColumn.Type.DATE)
public class ToolPolicy extends CustomResource<ToolPolicySpec, Void> implements Namespaced {}
