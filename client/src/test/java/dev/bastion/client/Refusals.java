package dev.bastion.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What the ITs check of a refused call. */
final class Refusals {

  private Refusals() {}

  /** {@code call} fails with {@code code} and a description that holds {@code words}. */
  static BastionException assertRefused(
      ThrowingCallable call, BastionException.Code code, String words) {
    BastionException refused = catchThrowableOfType(BastionException.class, call);
    assertThat(refused).as("a BastionException").isNotNull();
    assertThat(refused.code()).as(refused.getMessage()).isEqualTo(code);
    assertThat(refused.description()).contains(words);
    return refused;
  }
}
