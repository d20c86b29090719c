package com.example.inventory;

import java.util.List;

/** Prints the value of the stock. SELFTEST=1 uses a built-in list. */
public final class App {
    static long total(List<Item> items) {
        return items.stream().mapToLong(Item::valueCents).sum();
    }

    public static void main(String[] args) {
        List<Item> items = List.of(
            new Item("widget", 12, 250),
            new Item("gadget", 3, 1999),
            new Item("gizmo", 7, 75));
        long cents = total(items);
        String money = String.format("%d.%02d", cents / 100, cents % 100);
        if ("1".equals(System.getenv("SELFTEST"))) {
            System.out.println("inventory selftest: " + items.size() + " items worth " + money
                + " (java " + Runtime.version().feature() + ")");
            return;
        }
        for (Item i : items) {
            System.out.println(i.name() + " x" + i.count());
        }
        System.out.println("total " + money);
    }
}
