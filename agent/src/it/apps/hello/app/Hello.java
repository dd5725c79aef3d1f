package app;

/** The smallest app: proves the JVM reached main() and ran to the end. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello from the app");
    }
}
