package dev.bastion.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResourceTableTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @Test
  void sandboxesShowTheReadyCondition() {
    JsonArray items =
        new JsonArray(
            """
            [{"apiVersion": "agents.x-k8s.io/v1alpha1", "kind": "Sandbox",
              "metadata": {"name": "python-7f2k", "creationTimestamp": "2025-06-01T11:59:15Z"},
              "status": {"conditions": [
                {"type": "Scheduled", "status": "True"},
                {"type": "Ready", "status": "True", "reason": "SandboxReady"}]}},
             {"kind": "Sandbox",
              "metadata": {"name": "b", "creationTimestamp": "2025-06-01T09:00:00Z"},
              "status": {"conditions": [{"type": "Ready", "status": "False", "reason": ""}]}},
             {"kind": "Sandbox",
              "metadata": {"name": "new", "creationTimestamp": "2025-06-01T11:48:00Z"}}]
            """);

    assertThat(ResourceTable.render("Sandbox", items, false, NOW))
        .containsExactly(
            "NAME          READY     REASON         AGE",
            "python-7f2k   True      SandboxReady   45s",
            "b             False     <none>         3h",
            "new           Unknown   <none>         12m");
  }

  @Test
  void claimsShowTheirSandbox() {
    JsonArray items =
        new JsonArray(
            """
            [{"metadata": {"name": "agent-1", "creationTimestamp": "2025-05-27T12:00:00Z"},
              "status": {"sandbox": {"name": "python-7f2k"},
                         "conditions": [{"type": "Ready", "status": "True",
                                         "reason": "SandboxReady"}]}},
             {"metadata": {"name": "agent-2", "creationTimestamp": "2025-06-01T11:59:59Z"},
              "status": {}}]
            """);

    assertThat(ResourceTable.render("SandboxClaim", items, false, NOW))
        .containsExactly(
            "NAME      READY     REASON         SANDBOX       AGE",
            "agent-1   True      SandboxReady   python-7f2k   5d",
            "agent-2   Unknown   <none>         <none>        1s");
  }

  @Test
  void warmPoolsCountReadyReplicas() {
    JsonArray items =
        new JsonArray(
            """
            [{"metadata": {"name": "python-pool", "creationTimestamp": "2025-06-01T11:00:00Z"},
              "spec": {"replicas": 3, "sandboxTemplateRef": {"name": "python"}},
              "status": {"readyReplicas": 2}},
             {"metadata": {"name": "bare", "creationTimestamp": "2025-06-01T11:00:00Z"},
              "spec": {}}]
            """);

    assertThat(ResourceTable.render("SandboxWarmPool", items, false, NOW))
        .containsExactly(
            "NAME          READY   TEMPLATE   AGE",
            "python-pool   2/3     python     60m",
            "bare          0/1     <none>     60m");
  }

  @Test
  void templatesAndUnknownKindsShowNameAndAge() {
    JsonArray items =
        new JsonArray(
            """
            [{"metadata": {"name": "python", "creationTimestamp": "2025-06-01T11:00:00Z"},
              "spec": {"podTemplate": {}}},
             {"metadata": {"name": "no-time"}}]
            """);

    for (String kind : new String[] {"SandboxTemplate", "Gadget"}) {
      assertThat(ResourceTable.render(kind, items, false, NOW))
          .as(kind)
          .containsExactly("NAME      AGE", "python    60m", "no-time   <unknown>");
    }
  }

  @Test
  void toolPoliciesShowTheirDefaultAndRuleCount() {
    JsonArray items =
        new JsonArray(
            """
            [{"metadata": {"name": "agents", "creationTimestamp": "2025-06-01T11:00:00Z"},
              "spec": {"defaultAction": "Deny", "rules": [{"name": "a"}, {"name": "b"}]}},
             {"metadata": {"name": "open", "creationTimestamp": "2025-06-01T11:00:00Z"},
              "spec": {}}]
            """);
    assertThat(ResourceTable.render("ToolPolicy", items, false, NOW))
        .containsExactly(
            "NAME     DEFAULT   RULES   AGE",
            "agents   Deny      2       60m",
            "open     Allow     0       60m");
  }

  @Test
  void wideAddsSortedLabels() {
    JsonArray items =
        new JsonArray(
            """
            [{"metadata": {"name": "python", "creationTimestamp": "2025-06-01T11:00:00Z",
                           "labels": {"team": "ml", "app": "agent"}}},
             {"metadata": {"name": "go", "creationTimestamp": "2025-06-01T11:00:00Z",
                           "labels": {}}}]
            """);

    assertThat(ResourceTable.render("SandboxTemplate", items, true, NOW))
        .containsExactly(
            "NAME     AGE   LABELS", "python   60m   app=agent,team=ml", "go       60m   <none>");
  }
}
