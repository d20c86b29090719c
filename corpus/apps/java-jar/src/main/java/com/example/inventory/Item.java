package com.example.inventory;

/** One line of stock: a name, a count and a unit price in cents. */
public final class Item {
    private final String name;
    private final int count;
    private final long priceCents;

    public Item(String name, int count, long priceCents) {
        this.name = name;
        this.count = count;
        this.priceCents = priceCents;
    }

    public String name() { return name; }
    public int count() { return count; }
    public long valueCents() { return count * priceCents; }
}
