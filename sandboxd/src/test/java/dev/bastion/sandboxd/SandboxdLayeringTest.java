package dev.bastion.sandboxd;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * sandboxd runs in every sandbox: it speaks the API and knows nothing of the server's modules nor
 * of the client. The other modules' rules are the gateway's {@code LayeringTest}.
 */
@AnalyzeClasses(
    packages = "dev.bastion.sandboxd",
    importOptions = ImportOption.DoNotIncludeTests.class)
class SandboxdLayeringTest {

  @ArchTest
  static final ArchRule knowsOnlyTheApi =
      noClasses()
          .should()
          .dependOnClassesThat(
              resideInAPackage("dev.bastion..")
                  .and(not(resideInAnyPackage("dev.bastion.sandboxd..", "dev.bastion.api.."))));

  /** One package today; the rule holds its subpackages to it once there are some. */
  @ArchTest
  static final ArchRule hasNoPackageCycles =
      slices().matching("dev.bastion.(**)").should().beFreeOfCycles();
}
