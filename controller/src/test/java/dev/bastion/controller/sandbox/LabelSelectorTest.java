package dev.bastion.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private final Map<String, String> labels = Map.of("team", "a", "env", "dev");

  @Test
  void emptyMatchesEverything() {
    assertThat(LabelSelector.parse("").matches(labels)).isTrue();
  }

  @Test
  void equalityInequalityAndExistence() {
    assertThat(LabelSelector.parse("team=a").matches(labels)).isTrue();
    assertThat(LabelSelector.parse("team==a,env=dev").matches(labels)).isTrue();
    assertThat(LabelSelector.parse("team=b").matches(labels)).isFalse();
    assertThat(LabelSelector.parse("team!=b").matches(labels)).isTrue();
    assertThat(LabelSelector.parse("team!=a").matches(labels)).isFalse();
    assertThat(LabelSelector.parse("env").matches(labels)).isTrue();
    assertThat(LabelSelector.parse("!env").matches(labels)).isFalse();
    assertThat(LabelSelector.parse("!owner, team = a").matches(labels)).isTrue();
  }

  @Test
  void malformedSelectorsAreInvalidArguments() {
    assertThatThrownBy(() -> LabelSelector.parse("bad key=a"))
        .isInstanceOf(SandboxError.class)
        .hasMessageContaining("invalid key");
    assertThatThrownBy(() -> LabelSelector.parse("team=a b")).hasMessageContaining("invalid value");
  }
}
