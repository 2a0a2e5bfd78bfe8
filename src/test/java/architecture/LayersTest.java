package architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMembers;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Guards the three layers: the domain is plain Java plus Mutiny, and the application never reaches
 * into an adapter. The operator's command line ({@code cli}) is a client of the HTTP API only.
 *
 * <p>ArchUnit's default {@code failOnEmptyShould} stays on, so a rule whose {@code that()} selects no
 * class (a renamed package, say) fails instead of passing vacuously.
 */
@AnalyzeClasses(packages = {"domain", "application", "infrastructure", "cli"}, importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    private static final String[] FRAMEWORK_PACKAGES = {"jakarta..", "io.quarkus..", "com.fasterxml.."};

    @ArchTest
    static final ArchRule domainDependsOnlyOnItselfJavaAndMutiny = onlyDependOnDomainJavaAndMutiny("domain..");

    @ArchTest
    static final ArchRule applicationDoesNotDependOnInfrastructure = notDependOnInfrastructure("application..");

    @ArchTest
    static final ArchRule domainClassesCarryNoFrameworkAnnotations = classesCarryNoFrameworkAnnotations("domain..");

    @ArchTest
    static final ArchRule domainMembersCarryNoFrameworkAnnotations = noMembers()
            .that().areDeclaredInClassesThat().resideInAPackage("domain..")
            .should().beAnnotatedWith(fromFrameworkPackages())
            .because("Jackson, Bean Validation and Quarkus annotations belong at the edge, not in the domain");

    @ArchTest
    static final ArchRule commandLineKnowsTheServiceOnlyByItsApi = noClasses().that().resideInAPackage("cli..")
            .should().dependOnClassesThat().resideInAnyPackage("domain..", "application..", "infrastructure..")
            .because("the command line operates a running service over its HTTP API, never its stores or its code");

    // The rules above pass on a clean tree; these prove their conditions still catch what they forbid.

    @Test
    void dependencyRuleReportsAClassThatUsesAFramework() {
        JavaClasses rest = productionClassesIn("infrastructure.rest");

        assertThat(onlyDependOnDomainJavaAndMutiny("infrastructure.rest..").evaluate(rest).hasViolation()).isTrue();
    }

    @Test
    void infrastructureRuleReportsAClassThatUsesAnAdapter() {
        JavaClasses rest = productionClassesIn("infrastructure.rest");

        assertThat(notDependOnInfrastructure("infrastructure.rest..").evaluate(rest).hasViolation()).isTrue();
    }

    @Test
    void annotationRuleReportsAClassCarryingAFrameworkAnnotation() {
        JavaClasses rest = productionClassesIn("infrastructure.rest");

        assertThat(classesCarryNoFrameworkAnnotations("infrastructure.rest..").evaluate(rest).hasViolation()).isTrue();
    }

    private static ArchRule onlyDependOnDomainJavaAndMutiny(String layer) {
        return classes().that().resideInAPackage(layer)
                .should().onlyDependOnClassesThat().resideInAnyPackage("domain..", "java..", "io.smallrye.mutiny..")
                .because("the domain is plain Java plus Mutiny types, so it can be read and tested without a framework");
    }

    private static ArchRule notDependOnInfrastructure(String layer) {
        return noClasses().that().resideInAPackage(layer)
                .should().dependOnClassesThat().resideInAPackage("infrastructure..")
                .because("use cases talk to ports, and adapters are chosen by configuration");
    }

    private static ArchRule classesCarryNoFrameworkAnnotations(String layer) {
        return noClasses().that().resideInAPackage(layer)
                .should().beAnnotatedWith(fromFrameworkPackages())
                .because("Jackson, Bean Validation and Quarkus annotations belong at the edge, not in the domain");
    }

    private static DescribedPredicate<JavaAnnotation<?>> fromFrameworkPackages() {
        PackageMatchers frameworks = PackageMatchers.of(FRAMEWORK_PACKAGES);
        return DescribedPredicate.describe("an annotation from " + String.join(", ", FRAMEWORK_PACKAGES),
                annotation -> frameworks.test(annotation.getRawType().getPackageName()));
    }

    private static JavaClasses productionClassesIn(String packageName) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(packageName);
    }
}
