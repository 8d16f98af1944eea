package dev.bastion.controller.hardening;

/** A letter for a score, as school grades go: A from 90%, then one letter per 10 points. */
public enum Grade {
  A(90),
  B(80),
  C(70),
  D(60),
  F(0);

  private final int minimum;

  Grade(int minimum) {
    this.minimum = minimum;
  }

  /** The lowest percentage that earns this grade. */
  public int minimum() {
    return minimum;
  }

  /** The grade of a score between 0 and 100. */
  public static Grade of(int percent) {
    for (Grade grade : values()) {
      if (percent >= grade.minimum) {
        return grade;
      }
    }
    return F;
  }
}
