package dev.weft.lsp.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The name other participants see for this user when the editor did not configure one ({@code userName} in
 * {@code initializationOptions}; plain LSP clients usually send none). In order: {@code $WEFT_NAME},
 * {@code git config user.name} (run in the workspace), {@code $USER}, {@code $LOGNAME}, the JVM's
 * {@code user.name} — an account name {@code root} only when nothing better exists — and finally {@code "weft"}.
 */
final class DisplayName {
    /** How long the {@code git config} lookup may take. */
    private static final long GIT_TIMEOUT_MS = 3_000;

    private DisplayName() {
    }

    /**
     * Picks the display name.
     *
     * @param configured the editor's {@code userName}, or null
     * @param env        environment lookup ({@code System::getenv} in production)
     * @param gitName    {@code git config user.name}, or null if git or the setting is missing
     * @param jvmUser    the JVM's {@code user.name}, or null
     * @return a non-blank, trimmed name; {@code "root"} only if every source is blank or root
     */
    static String choose(String configured, Function<String, String> env, Supplier<String> gitName, String jvmUser) {
        String c = blankToNull(configured);
        if (c != null) {
            return c;
        }
        String weftName = blankToNull(env.apply("WEFT_NAME"));
        if (weftName != null) {
            return weftName;
        }
        String git = blankToNull(gitName.get());
        if (git != null) {
            return git;
        }
        String fallback = null;
        for (String account : new String[] {env.apply("USER"), env.apply("LOGNAME"), jvmUser}) {
            String a = blankToNull(account);
            if (a == null) {
                continue;
            }
            if (!a.toLowerCase(Locale.ROOT).equals("root")) {
                return a;
            }
            fallback = a;
        }
        return fallback != null ? fallback : "weft";
    }

    /** {@link #choose} with the process environment and {@code git config user.name} run in {@code workspace}. */
    static String resolve(String configured, Path workspace) {
        if (blankToNull(configured) != null) {
            return configured.trim();
        }
        return choose(null, System::getenv, () -> gitUserName(workspace), System.getProperty("user.name"));
    }

    /** {@code git config --get user.name} in {@code dir} (or the current directory); null if it fails. */
    static String gitUserName(Path dir) {
        ProcessBuilder pb = new ProcessBuilder("git", "config", "--get", "user.name").redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        if (dir != null && dir.toFile().isDirectory()) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(GIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? blankToNull(out.lines().findFirst().orElse("")) : null;
        } catch (IOException e) {
            return null; // git not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
