package dev.bastion.controller.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An isolated place to run code: one pod (a container on one machine) with its volumes and
 * identity.
 */
@Group("agents.x-k8s.io")
@Version("v1beta1")
@Plural("sandboxes")
@ShortNames("sandbox")
@AdditionalPrinterColumn(name = "Ready", jsonPath = PrinterColumns.READY_STATUS)
@AdditionalPrinterColumn(name = "Reason", jsonPath = PrinterColumns.READY_REASON)
@AdditionalPrinterColumn(name = "IP", jsonPath = ".status.podIPs[0]", priority = 1)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = PrinterColumns.AGE,
    type = AdditionalPrinterColumn.Type.DATE)
public class Sandbox extends CustomResource<SandboxSpec, SandboxStatus> implements Namespaced {}
