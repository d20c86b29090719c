package com.example.inventory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Prints the value of the stock. SELFTEST=1 uses a built-in list and says
 * which JVM options reached the JVM (the image passes $JAVA_OPTS to it).
 */
public final class App {
    static long total(List<Item> items) {
        return items.stream().mapToLong(Item::valueCents).sum();
    }

    /** The JVM's own value of -XX:MaxRAMPercentage, as the JVM parsed it. */
    static double maxRamPercentage() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Double.parseDouble(hotspot.getVMOption("MaxRAMPercentage").getValue());
    }

    public static void main(String[] args) {
        List<Item> items = List.of(
            new Item("widget", 12, 250),
            new Item("gadget", 3, 1999),
            new Item("gizmo", 7, 75));
        long cents = total(items);
        String currency = System.getProperty("inventory.currency", "USD");
        String money = String.format("%d.%02d %s", cents / 100, cents % 100, currency);
        if ("1".equals(System.getenv("SELFTEST"))) {
            System.out.println("inventory selftest: " + items.size() + " items worth " + money
                + " (java " + Runtime.version().feature() + ", MaxRAMPercentage " + maxRamPercentage() + ")");
            return;
        }
        for (Item i : items) {
            System.out.println(i.name() + " x" + i.count());
        }
        System.out.println("total " + money);
    }
}
