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

    /** Waits up to {@code seconds} for {@code condition}; fails with {@code state} (see {@link Trees#await}). */
    public static void await(String what, long seconds, java.util.function.BooleanSupplier condition,
                             java.util.function.Supplier<String> state) throws InterruptedException {
        Trees.await(what, seconds, condition, state);
    }
}
