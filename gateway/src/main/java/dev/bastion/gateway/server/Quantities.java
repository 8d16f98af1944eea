package dev.bastion.gateway.server;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/** Sizes and amounts given on the command line, written as Kubernetes quantities. */
public final class Quantities {

  private Quantities() {}

  /** A Kubernetes quantity ({@code 4Gi}, {@code 500m}) times {@code scale}, as a whole number. */
  public static long positive(String flag, String value, int scale) {
    try {
      long amount =
          Quantity.getAmountInBytes(new Quantity(value))
              .multiply(BigDecimal.valueOf(scale))
              .longValueExact();
      if (amount <= 0) {
        throw new ArithmeticException();
      }
      return amount;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          flag + " takes a positive quantity such as 4Gi, 2 or 500m, not '" + value + "'");
    }
  }
}
