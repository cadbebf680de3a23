package dev.apium;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering of {@code apium-protocol} and {@code apium-core}, checked on their compiled main
 * classes: the API package reaches the worker engine only through its door, the SPI and the shared
 * plumbing never reach up into the app, core never names a transport, the protocol names nothing
 * else of ours, and names stay plain.
 */
class ArchitectureTest {
  private static final String[] TRANSPORTS = {
    "dev.apium.redis..", "dev.apium.amqp..", "dev.apium.jdbc.."
  };

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.apium");

  @Test
  void coreNeverNamesATransport() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.apium",
            "dev.apium.worker..",
            "dev.apium.spi..",
            "dev.apium.internal..",
            "dev.apium.memory..",
            "dev.apium.beat..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TRANSPORTS)
        .check(MAIN);
  }

  @Test
  void theSpiAndThePlumbingNeverReachTheAppTheEngineOrBeat() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.apium.spi..", "dev.apium.internal..", "dev.apium.memory..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.apium", "dev.apium.worker..", "dev.apium.beat..")
        .check(MAIN);
  }

  @Test
  void theApiPackageReachesTheEngineOnlyThroughItsDoor() {
    noClasses()
        .that()
        .resideInAPackage("dev.apium")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.apium.worker..")
                .and(
                    not(
                        nameMatching(
                            "dev\\.apium\\.worker\\.(Worker|Worker\\$Builder|WorkerHost|WorkerHost\\$Invocation)"))))
        .check(MAIN);
  }

  @Test
  void theEngineUsesOnlyThePublicApiOfTheAppPackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.apium.worker..")
        .should()
        .dependOnClassesThat(resideInAPackage("dev.apium").and(not(modifier(JavaModifier.PUBLIC))))
        .check(MAIN);
  }

  @Test
  void theProtocolNamesNothingElseOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.apium.protocol..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.apium..").and(not(resideInAnyPackage("dev.apium.protocol.."))))
        .check(MAIN);
  }

  @Test
  void namesArePlain() {
    noClasses().should().haveSimpleNameEndingWith("Impl").check(MAIN);
    noClasses().that().areInterfaces().should().haveNameMatching(".*\\.I[A-Z][^.]*").check(MAIN);
    classes()
        .that()
        .haveSimpleNameStartingWith("Abstract")
        .should()
        .haveModifier(JavaModifier.ABSTRACT)
        .allowEmptyShould(true)
        .check(MAIN);
  }
}
