package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A reference by name to an object in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectReference {

  @Required private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
