package legacy;

public class Ledger {
    public static void main(String[] args) { System.out.println("ledger"); }
}
