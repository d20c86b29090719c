package com.acme.service;

import com.acme.core.Prices;

public final class Main {
    public static void main(String[] args) {
        System.out.println(Prices.cents(3, 250));
    }
}
