package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What was last observed of a Sandbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxStatus {

  /** Ready, Suspended, PodScheduled, Finished. */
  private List<Condition> conditions;

  private String serviceFQDN;
  private String service;
  private String selector;

  /** Cleared when there is no pod. */
  private List<String> podIPs;

  private String nodeName;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getServiceFQDN() {
    return serviceFQDN;
  }

  public void setServiceFQDN(String serviceFQDN) {
    this.serviceFQDN = serviceFQDN;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<String> getPodIPs() {
    return podIPs;
  }

  public void setPodIPs(List<String> podIPs) {
    this.podIPs = podIPs;
  }

  public String getNodeName() {
    return nodeName;
  }

  public void setNodeName(String nodeName) {
    this.nodeName = nodeName;
  }
}
