package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** An environment variable a claim adds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimEnvVar {

  @Required private String name;
  private String value;

  /** Which container; all when unset. */
  private String containerName;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public String getContainerName() {
    return containerName;
  }

  public void setContainerName(String containerName) {
    this.containerName = containerName;
  }
}
