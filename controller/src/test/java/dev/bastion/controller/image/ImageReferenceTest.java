package dev.bastion.controller.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void shortNamesAreDockerHubsAsDockerReadsThem() {
    assertThat(ImageReference.parse("python").toString())
        .isEqualTo("docker.io/library/python:latest");
    assertThat(ImageReference.parse("python:3.12").toString())
        .isEqualTo("docker.io/library/python:3.12");
    assertThat(ImageReference.parse("team/tool:1").toString()).isEqualTo("docker.io/team/tool:1");
  }

  @Test
  void aFirstPartWithADotOrAPortIsARegistry() {
    ImageReference local = ImageReference.parse("127.0.0.1:5000/test/marker:v1");
    assertThat(local.host()).isEqualTo("127.0.0.1:5000");
    assertThat(local.path()).isEqualTo("test/marker");
    assertThat(local.tag()).isEqualTo("v1");
    assertThat(ImageReference.parse("ghcr.io/org/app").host()).isEqualTo("ghcr.io");
    assertThat(ImageReference.parse("localhost/app").host()).isEqualTo("localhost");
  }

  @Test
  void digestsPinAndDefaultToIfNotPresentLikeTagsOtherThanLatest() {
    String digest = "sha256:" + "ab".repeat(32);
    ImageReference pinned = ImageReference.parse("ghcr.io/org/app@" + digest);
    assertThat(pinned.pinnedDigest()).contains(digest);
    assertThat(pinned.tag()).isEmpty();
    assertThat(pinned.defaultPullPolicy()).isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThat(ImageReference.parse("app:1").defaultPullPolicy())
        .isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThat(ImageReference.parse("app").defaultPullPolicy()).isEqualTo(PullPolicy.ALWAYS);
    assertThat(ImageReference.parse("app:latest").defaultPullPolicy()).isEqualTo(PullPolicy.ALWAYS);
  }

  @Test
  void whatCouldBeAnOptionOrAnotherTransportIsNoReference() {
    for (String hostile :
        List.of(
            "--src-creds=x:y",
            "-v",
            "oci:/etc:x",
            "dir:/root",
            "docker-archive:/etc/shadow",
            "docker://evil/x",
            "a/../b",
            "/etc/passwd",
            "a\nb",
            "a b",
            "",
            "x@sha512:" + "a".repeat(128),
            "x@sha256:short")) {
      assertThatThrownBy(() -> ImageReference.parse(hostile))
          .as(hostile)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("is not an image reference");
    }
    assertThatThrownBy(() -> ImageReference.parse("a/" + "b".repeat(300)))
        .hasMessageContaining("longer than");
  }

  @Test
  void differentReferencesHaveDifferentLayoutNamesMadeOfSafeCharacters() {
    String one = ImageReference.parse("a/b_c:1").layoutName();
    String two = ImageReference.parse("a/b-c:1").layoutName();
    assertThat(one).isNotEqualTo(two).matches("[a-f0-9]{64}");
    assertThat(ImageReference.parse("python").layoutName())
        .isEqualTo(ImageReference.parse("docker.io/library/python:latest").layoutName());
  }
}
