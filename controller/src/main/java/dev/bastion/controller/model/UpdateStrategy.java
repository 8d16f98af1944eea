package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;

/** How a pool treats members built from an older version of its template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateStrategy {

  /** OnReplenish (default) or Recreate. */
  @Default("OnReplenish")
  private UpdateStrategyType type;

  public UpdateStrategyType getType() {
    return type;
  }

  public void setType(UpdateStrategyType type) {
    this.type = type;
  }
}
