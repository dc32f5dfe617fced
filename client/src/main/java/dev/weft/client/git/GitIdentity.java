package dev.weft.client.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.SystemReader;

/**
 * Who a participant is, as git knows them: {@code user.name} and {@code user.email}. Immutable.
 *
 * @param name  display name, never blank
 * @param email e-mail address, or {@code ""} when unknown (then no {@code Co-authored-by} trailer can be written)
 */
public record GitIdentity(String name, String email) {
    public GitIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        name = clean(name);
        email = clean(email);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a participant's name must not be blank");
        }
    }

    /**
     * The identity for the working copy at {@code dir}: each override if given (settings, {@code --name},
     * {@code --email}), else the repository's git configuration (which falls back to the user's and the system's,
     * as {@code git config user.name} does), else the operating-system user name and no e-mail.
     *
     * @param dir           any directory inside the working copy (need not be a git repository)
     * @param nameOverride  null or blank for "from git"
     * @param emailOverride null for "from git"
     */
    public static GitIdentity resolve(Path dir, String nameOverride, String emailOverride) {
        Config config = config(dir);
        String name = nameOverride != null && !nameOverride.isBlank() ? nameOverride
                : orEmpty(config == null ? null : config.getString("user", null, "name"));
        String email = emailOverride != null ? emailOverride
                : orEmpty(config == null ? null : config.getString("user", null, "email"));
        if (clean(name).isEmpty()) {
            name = System.getProperty("user.name", "someone");
        }
        return new GitIdentity(name, email);
    }

    /** True if both name the same person (false for null): the same e-mail (case-insensitive), or, without e-mails, the same name. */
    public boolean samePerson(GitIdentity other) {
        if (other == null) {
            return false;
        }
        if (!email.isEmpty() && !other.email.isEmpty()) {
            return email.toLowerCase(Locale.ROOT).equals(other.email.toLowerCase(Locale.ROOT));
        }
        return email.isEmpty() && other.email.isEmpty() && name.equals(other.name);
    }

    /** {@code Co-authored-by: Name <email>}; requires an e-mail. */
    public String trailer() {
        return "Co-authored-by: " + name + " <" + email + ">";
    }

    @Override
    public String toString() {
        return email.isEmpty() ? name : name + " <" + email + ">";
    }

    private static Config config(Path dir) {
        try {
            FileRepositoryBuilder b = new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toFile());
            if (b.getGitDir() != null) {
                try (Repository r = b.build()) {
                    return r.getConfig();
                }
            }
            return SystemReader.getInstance().getUserConfig();
        } catch (IOException | ConfigInvalidException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Tabs, line breaks and angle brackets would break the authors log and the trailer: spaces instead. */
    private static String clean(String s) {
        return s.replaceAll("[\\t\\r\\n<>]", " ").strip();
    }
}
