package app;

public class Billing {
    public static void main(String[] args) { System.out.println("billing"); }
}
