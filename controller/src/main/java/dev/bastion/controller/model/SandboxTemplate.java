package dev.bastion.controller.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A blueprint of sandboxes that warm pools and claims refer to. */
@Group("extensions.agents.x-k8s.io")
@Version("v1beta1")
@Plural("sandboxtemplates")
@ShortNames("sandboxtemplate")
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.podTemplate.spec.runtimeClassName")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = PrinterColumns.AGE,
    type = AdditionalPrinterColumn.Type.DATE)
public class SandboxTemplate extends CustomResource<SandboxTemplateSpec, Void>
    implements Namespaced {}
