package report;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Prints a stock report. SELFTEST=1 prints one line that says what reached
 * the JVM: the option its ENTRYPOINT passes, a property from
 * JAVA_TOOL_OPTIONS in the environment (which the JVM reads itself, no shell
 * needed) and the arguments of the image's CMD.
 */
public final class Main {
    public static void main(String[] args) {
        long cents = 12 * 250 + 3 * 1999 + 7 * 75;
        String currency = System.getProperty("report.currency", "USD");
        String title = args.length == 2 && args[0].equals("--title") ? args[1] : "report";
        if ("1".equals(System.getenv("SELFTEST"))) {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            double ram = Double.parseDouble(hotspot.getVMOption("MaxRAMPercentage").getValue());
            System.out.printf("report selftest: '%s' %d.%02d %s (java %d, MaxRAMPercentage %s)%n",
                title, cents / 100, cents % 100, currency, Runtime.version().feature(), ram);
            return;
        }
        System.out.println(title + ": " + Arrays.toString(args) + " " + cents + " cents " + currency);
    }
}
