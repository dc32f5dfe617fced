/** A tiny program to co-edit: each participant adds a greeting. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        String who = args.length > 0 ? args[0] : "world";
        System.out.println("Hello, " + who + "!");
    }
}
