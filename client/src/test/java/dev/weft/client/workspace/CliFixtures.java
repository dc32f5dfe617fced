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
}
