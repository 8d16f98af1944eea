package dev.bastion.controller.sandbox;

import dev.bastion.controller.runtime.SandboxLimits;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The templates sandboxes can be created from, by name. */
public final class TemplateCatalog {

  /** The built-in template: Python 3 on the Debian root filesystem. */
  public static final String PYTHON = "python";

  private final Map<String, SandboxTemplate> templates = new ConcurrentHashMap<>();

  /** A catalog holding the built-in templates. */
  public static TemplateCatalog builtIn() {
    TemplateCatalog catalog = new TemplateCatalog();
    catalog.put(new SandboxTemplate(PYTHON, SandboxLimits.defaults()));
    return catalog;
  }

  public void put(SandboxTemplate template) {
    templates.put(template.name(), template);
  }

  public Optional<SandboxTemplate> find(String name) {
    return Optional.ofNullable(templates.get(name));
  }
}
