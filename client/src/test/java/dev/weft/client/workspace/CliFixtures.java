package dev.weft.client.workspace;

import java.io.IOException;
import java.nio.file.Path;

/** The workspace test fixtures, for the CLI tests in another package. */
public final class CliFixtures {
    private CliFixtures() {
    }

    public static void makeSampleRepo(Path dir, Path userExcludes) throws IOException, InterruptedException {
        GitRepos.makeSampleRepo(dir, userExcludes);
    }

    public static byte[] png() {
        return GitRepos.png();
    }

    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        return GitRepos.git(dir, args);
    }

    /**
     * A new repository at {@code dir} (created if missing) whose user is {@code name <email>}, with one commit
     * "start" by that user: {@code notes.txt} holding {@code notes} and a {@code .gitignore} of {@code .weft/}.
     *
     * @return {@code dir}
     */
    public static Path committedRepo(Path dir, String name, String email, String notes)
            throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        git(dir, "init", "-q");
        git(dir, "config", "user.name", name);
        git(dir, "config", "user.email", email);
        java.nio.file.Files.writeString(dir.resolve("notes.txt"), notes);
        java.nio.file.Files.writeString(dir.resolve(".gitignore"), ".weft/\n");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=" + name, "-c", "user.email=" + email, "commit", "-q", "-m", "start");
        return dir;
    }

    /** Waits up to {@code seconds} for {@code condition}; fails with {@code state} (see {@link Trees#await}). */
    public static void await(String what, long seconds, java.util.function.BooleanSupplier condition,
                             java.util.function.Supplier<String> state) throws InterruptedException {
        Trees.await(what, seconds, condition, state);
    }
}
