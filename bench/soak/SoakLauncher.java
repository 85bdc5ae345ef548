import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs the testkit's seeded soak in a plain JVM, for bench/soak.sh: JVM start-up is then the JVM's, not
 * Maven's and surefire's. The seed range comes in as -Dsoak.first / -Dsoak.seeds; SoakTest itself prints each
 * failing seed with its replay command. Exit 0 if the soak passed, 1 if it failed, 2 if it did not run.
 */
public final class SoakLauncher {
    private SoakLauncher() {
    }

    public static void main(String[] args) {
        final String method = args.length > 0 ? args[0] : "io.frwr.testkit.SoakTest#everySeedKeepsEveryInvariant";
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(method)).build();
        final Launcher launcher = LauncherFactory.create();
        final SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            launcher.execute(request, summary);
        } catch (Throwable t) { // an Error JUnit rethrows (OutOfMemoryError): the actor system's threads would keep
            t.printStackTrace(); // the JVM alive, so leave now and let soak.sh report the slice as died
            System.exit(3);
        }
        final TestExecutionSummary s = summary.getSummary();
        System.err.println("soak-launcher: seeds from " + System.getProperty("soak.first", "1") + ", "
                + System.getProperty("soak.seeds", "default") + " of them: " + (s.getTestsSucceededCount() == 1
                ? "passed" : "failed") + " in " + (s.getTimeFinished() - s.getTimeStarted()) + " ms");
        // SoakTest has printed each failing seed on stdout; the assertion's first line is enough here.
        s.getFailures().forEach(f -> System.err.println("soak-launcher: " + f.getTestIdentifier().getDisplayName()
                + ": " + f.getException().toString().lines().findFirst().orElse("")));
        if (s.getTestsStartedCount() == 0) {
            System.err.println("soak-launcher: " + method + " did not run");
            System.exit(2);
        }
        System.exit(s.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
