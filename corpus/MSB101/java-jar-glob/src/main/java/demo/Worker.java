package demo;

public class Worker {
    public static void main(String[] args) { System.out.println("working"); }
}
