package org.example.todo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "todo-cli", mixinStandardHelpOptions = true, version = "1.2.0")
public class TodoCli implements Runnable {
    @Parameters(arity = "0..*", description = "items to add")
    String[] items = {};

    public void run() {
        for (String item : items) {
            System.out.println("[ ] " + item);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TodoCli()).execute(args));
    }
}
