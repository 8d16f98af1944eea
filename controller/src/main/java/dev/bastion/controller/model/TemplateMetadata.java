package dev.bastion.controller.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Metadata carried by a template: a name (volume claim templates only), labels and annotations. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemplateMetadata {

  /** Name of a volume claim template; unused elsewhere. */
  private String name;

  private Map<String, String> labels;
  private Map<String, String> annotations;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
