package dev.weft.client.git;

import static dev.weft.client.workspace.CliFixtures.git;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RoomApi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Repositories and rooms for the branch-scoped tests, made with the git CLI. */
final class BranchRepos {
    static final String A = "alpha\n";
    static final String B_MAIN = "beta\n";
    static final String B_FEATURE = "beta on feature\n";
    static final String F = "only on feature\n";

    private BranchRepos() {
    }

    /** A bare origin under {@code base} with main (a, b, c) and feature (b changed, f added). */
    static Path makeOrigin(Path base) throws Exception {
        Path seed = Files.createDirectories(base.resolve("seed-" + System.nanoTime()));
        git(seed, "init", "-q");
        Files.writeString(seed.resolve(".gitignore"), ".weft/\n");
        Files.writeString(seed.resolve("a.txt"), A);
        Files.writeString(seed.resolve("b.txt"), B_MAIN);
        Files.writeString(seed.resolve("c.txt"), "gamma\n");
        git(seed, "add", "-A");
        git(seed, "commit", "-q", "-m", "start");
        git(seed, "checkout", "-q", "-b", "feature");
        Files.writeString(seed.resolve("b.txt"), B_FEATURE);
        Files.writeString(seed.resolve("f.txt"), F);
        git(seed, "add", "-A");
        git(seed, "commit", "-q", "-m", "feature");
        git(seed, "checkout", "-q", "main");
        Path origin = base.resolve(seed.getFileName() + ".git");
        git(base, "clone", "-q", "--bare", seed.toString(), origin.toString());
        return origin;
    }

    /** A clone of {@code origin} beside it, with {@code name} as git's user. */
    static Path cloneFor(Path origin, String name) throws Exception {
        Path dir = origin.resolveSibling(name + "-" + System.nanoTime());
        git(origin.getParent(), "clone", "-q", origin.toString(), dir.toString());
        git(dir, "config", "user.name", name);
        git(dir, "config", "user.email", name.toLowerCase() + "@example.com");
        return dir;
    }

    static InviteLink newRoom(URI relay) {
        RoomCredentials c = new RoomApi(relay).createRoom();
        return new InviteLink(relay, c.room(), c.secret());
    }
}
