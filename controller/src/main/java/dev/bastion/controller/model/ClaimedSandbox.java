package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The sandbox that serves a claim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimedSandbox {

  private String name;
  private List<String> podIPs;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getPodIPs() {
    return podIPs;
  }

  public void setPodIPs(List<String> podIPs) {
    this.podIPs = podIPs;
  }
}
