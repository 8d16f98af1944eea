package dev.bastion.controller.sandbox;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotQuotaTest {

  final SnapshotQuota quota = new SnapshotQuota(2, 1000);

  @Test
  void aTenantBelowBothBoundsMayTakeAnother() {
    assertThatCode(() -> quota.admitAnother(1, 999)).doesNotThrowAnyException();
  }

  @Test
  void theCountBoundIsReachedWithSnapshotsBeingTaken() {
    assertThatThrownBy(() -> quota.admitAnother(2, 0))
        .isInstanceOfSatisfying(
            SandboxError.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.kind())
                    .isEqualTo(SandboxError.Kind.RESOURCE_EXHAUSTED))
        .hasMessage("a tenant may keep at most 2 snapshots; delete one first");
  }

  @Test
  void theByteBoundIsReached() {
    assertThatThrownBy(() -> quota.admitAnother(0, 1000))
        .hasMessageContaining("hold 1000 bytes, at or above the 1000 allowed");
  }
}
