package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A reference by name to an object in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectReference {

  private String name;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
